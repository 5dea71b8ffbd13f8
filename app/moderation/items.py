"""Changing a reported or held item's status: approve, hide, remove, restore. Never a hard delete.

Each change records the usual event so feeds and open pages update (a post that becomes visible is
`post_approved`, which readers' pages treat like a new post), and an audit entry.
"""

from app import audit, events
from app.extensions import db
from app.models import Post, Reply, User, utcnow
from app.moderation.cases import Target
from app.posts.rendering import render_body
from app.posts.replies import count_reply, publish_reply
from app.posts.services import announce_post


def make_visible(actor: User, target: Target, reason: str = "") -> bool:
    """Let a held, hidden or removed item be seen again, with the events of a new one; False if it was."""
    item = target.reply or target.post
    if item is None or item.status == "visible":
        return False
    before = item.status
    item.status, item.deleted_at, item.deleted_by_id = "visible", None, None
    db.session.flush()
    # Mentions and reply notifications go out only for an item nobody has seen yet: an edited one was
    # announced before it was held.
    first_showing = item.edited_at is None and before == "held"
    rendered, mentioned = render_body(item.body_source)
    if isinstance(item, Reply):
        publish_reply(actor, item, mentioned, notify_people=first_showing, event="reply_approved")
    else:
        announce_post(actor, item, mentioned if first_showing else {}, rendered.topics, event="post_approved")
    _audit(actor, target, "approved" if before == "held" else "restored", reason, before)
    return True


def hide(actor: User, target: Target, reason: str = "") -> bool:
    """Hide an item until its author edits it (they and moderators still see it); False if not shown."""
    item = target.reply or target.post
    if item is None or item.status not in ("visible", "held"):
        return False
    before = item.status
    item.status = "hidden"
    if isinstance(item, Reply):
        if before == "visible":
            count_reply(item.post, -1)
    else:
        item.pinned_at = None
    db.session.flush()
    _record(actor, item, "updated")
    _audit(actor, target, "hidden", reason, before)
    return True


def remove(actor: User, target: Target, reason: str = "") -> bool:
    """Remove an item: readers see "This post was removed"; the text is kept for moderators and appeals."""
    item = target.reply or target.post
    if item is None or item.status == "deleted":
        return False
    before = item.status
    item.status, item.deleted_at, item.deleted_by_id = "deleted", utcnow(), actor.id
    if isinstance(item, Reply):
        if before == "visible":
            count_reply(item.post, -1)
    else:
        item.pinned_at = None
    db.session.flush()
    _record(actor, item, "deleted")
    _audit(actor, target, "removed", reason, before)
    return True


def _record(actor: User, item: Post | Reply, verb: str) -> None:
    if isinstance(item, Reply):
        events.record(
            f"reply_{verb}",
            actor=actor,
            community_id=item.post.community_id,
            post_id=item.post_id,
            reply_id=item.id,
            reply_count=item.post.reply_count,
        )
    else:
        events.record(f"post_{verb}", actor=actor, community_id=item.community_id, post_id=item.id)


def _audit(actor: User, target: Target, verb: str, reason: str, before: str) -> None:
    audit.record(actor, f"{target.type}.{verb}", target.type, target.id, reason, before=before)
