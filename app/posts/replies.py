"""Replies in a thread and reactions to posts."""

from collections.abc import Sequence

from sqlalchemy import func, or_, select, true, update

from app import events
from app.attachments import services as attachments
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import strip_control
from app.models import REACTION_KINDS, Post, Reaction, Reply, Revision, ThreadFollow, User, utcnow
from app.notifications.services import notify, notify_many
from app.posts import screening
from app.posts.rendering import check_body, render_body
from app.posts.services import (
    attachment_texts,
    can_moderate,
    can_see_post,
    can_write_in,
    follow_thread,
    notify_mentions,
)
from app.sanitize import plain_text


def can_see_reply(user: User, reply: Reply) -> bool:
    """Readers of the post see visible and removed replies; held or hidden ones only their author and
    moderators."""
    if not can_see_post(user, reply.post):
        return False
    if reply.status in ("held", "hidden"):
        return reply.author_id == user.id or can_moderate(user, reply.post.community)
    return True


def get_reply(user: User, reply_id: int) -> Reply:
    """The reply if the person may see it."""
    reply = db.session.get(Reply, reply_id)
    if reply is None or not can_see_reply(user, reply):
        raise NotFound("We couldn't find that reply.")
    return reply


def count_reply(post: Post, delta: int) -> None:
    """Move the post's reply count (it counts visible replies) and reload it."""
    db.session.execute(update(Post).where(Post.id == post.id).values(reply_count=Post.reply_count + delta))
    db.session.flush()
    db.session.refresh(post, ["reply_count"])


def create_reply(
    author: User,
    post: Post,
    body: str,
    *,
    files: Sequence[attachments.Draft] = (),
    confirm_sensitive: bool = False,
) -> Reply:
    """Reply in a post's thread, with optional attachments; the post's author and the thread's
    followers are notified (once a held reply is approved, if screening holds it). The
    sensitive-content warning asks the author to edit or confirm first, as for posts."""
    body = strip_control(body)
    errors = check_body(body)
    if not errors and (post.status != "visible" or not can_write_in(author, post.community)):
        errors["body"] = "This conversation is closed to new replies."
    checked = attachments.check(author, list(files), errors)
    if errors:
        raise ValidationError(errors)
    hold = screening.screen(author, post.community, body)
    findings = screening.check_sensitive(
        author, {"body": body, **attachment_texts(checked)}, confirm_sensitive
    )
    rendered, mentioned = render_body(body)
    reply = Reply(
        post_id=post.id,
        author=author,
        body_source=body,
        body_html=rendered.html,
        render_version=rendered.version,
        status="held" if hold else "visible",
    )
    db.session.add(reply)
    db.session.flush()
    attachments.attach(author, checked, reply=reply)
    screening.sensitive_confirmed(author, "reply", reply.id, findings)
    follow_thread(author.id, post.id)
    if hold:
        screening.held(author, reply, hold)
    else:
        publish_reply(author, reply, mentioned)
    return reply


def publish_reply(
    actor: User,
    reply: Reply,
    mentioned: dict[str, User],
    notify_people: bool = True,
    event: str = "reply_created",
) -> None:
    """A reply became visible: count it, notify the post's author, followers and the mentioned (unless
    they heard before), and tell live readers (reply_created, or reply_approved after review)."""
    post = reply.post
    count_reply(post, 1)
    if notify_people:
        _notify_reply(reply, mentioned)
    events.record(
        event,
        actor=actor,
        community_id=post.community_id,
        post_id=post.id,
        reply_id=reply.id,
        author_id=reply.author_id,
        reply_count=post.reply_count,
    )


def _notify_reply(reply: Reply, mentioned: dict[str, User]) -> None:
    post, author = reply.post, reply.author
    excerpt = plain_text(reply.body_source, 140)
    followers = set(
        db.session.scalars(
            select(ThreadFollow.user_id).where(ThreadFollow.post_id == post.id, ThreadFollow.muted.is_(False))
        )
    )
    mentioned_ids = {u.id for u in mentioned.values()}
    notify_many(
        [post.author_id] if post.author_id not in mentioned_ids else [],
        "post_reply",
        actor=author,
        community=post.community,
        post_id=post.id,
        reply_id=reply.id,
        excerpt=excerpt,
    )
    notify_many(
        followers - {post.author_id} - mentioned_ids,
        "thread_reply",
        actor=author,
        community=post.community,
        post_id=post.id,
        reply_id=reply.id,
        excerpt=excerpt,
    )
    notify_mentions(author, post, mentioned, reply_id=reply.id)


def edit_reply(actor: User, reply: Reply, body: str, confirm_sensitive: bool = False) -> Reply:
    """The author edits a reply; the earlier text is kept as a revision. As with posts, a hidden reply
    goes back for review when edited, screening may hold an edited visible one, and the new text gets
    the sensitive-content warning."""
    body = strip_control(body)
    if reply.author_id != actor.id or reply.status == "deleted":
        raise PermissionDenied("Only the author can edit this reply.")
    errors = check_body(body)
    if errors:
        raise ValidationError(errors)
    if body != reply.body_source:
        hold = screening.screen(actor, reply.post.community, body, editing=True)
        findings = screening.check_sensitive(actor, {"body": body}, confirm_sensitive)
        screening.sensitive_confirmed(actor, "reply", reply.id, findings)
        if reply.status == "hidden":
            hold = "you changed it after a moderator asked you to"
        db.session.add(Revision(reply_id=reply.id, body_source=reply.body_source, edited_by_id=actor.id))
        rendered, _ = render_body(body)
        reply.body_source, reply.body_html, reply.render_version = body, rendered.html, rendered.version
        reply.edited_at = utcnow()
        if hold and reply.status in ("visible", "hidden"):
            if reply.status == "visible":
                count_reply(reply.post, -1)
            reply.status = "held"
            db.session.flush()
            screening.held(actor, reply, hold)
        db.session.flush()
        events.record(
            "reply_updated",
            actor=actor,
            community_id=reply.post.community_id,
            post_id=reply.post_id,
            reply_id=reply.id,
            reply_count=reply.post.reply_count,
        )
    return reply


def delete_reply(actor: User, reply: Reply) -> None:
    """Soft-delete a reply: its author, community admins and moderators."""
    post = reply.post
    if reply.author_id != actor.id and not can_moderate(actor, post.community):
        raise PermissionDenied("You can't delete this reply.")
    if reply.status == "deleted":
        return
    was_counted = reply.status == "visible"
    reply.status, reply.deleted_at, reply.deleted_by_id = "deleted", utcnow(), actor.id
    if was_counted:
        count_reply(post, -1)
    db.session.flush()
    events.record(
        "reply_deleted",
        actor=actor,
        community_id=post.community_id,
        post_id=post.id,
        reply_id=reply.id,
        reply_count=post.reply_count,
    )


def reply_revisions(viewer: User, reply: Reply) -> list[Revision]:
    """Earlier texts of a reply, for its author and moderators."""
    if reply.author_id != viewer.id and not can_moderate(viewer, reply.post.community):
        raise PermissionDenied("Only the author and moderators can see the edit history.")
    return list(
        db.session.scalars(select(Revision).where(Revision.reply_id == reply.id).order_by(Revision.id.desc()))
    )


def thread_replies(viewer: User, post: Post) -> list[Reply]:
    """A thread's replies, oldest first; removed ones stay as tombstones so the thread reads on, and
    held or hidden ones show only to their author and moderators."""
    shown = Reply.status.in_(("visible", "deleted"))
    if can_moderate(viewer, post.community):
        shown = true()
    else:
        shown = or_(shown, Reply.author_id == viewer.id)
    return list(db.session.scalars(select(Reply).where(Reply.post_id == post.id, shown).order_by(Reply.id)))


def is_following(user: User, post: Post) -> bool:
    """Whether the person follows the thread."""
    row = db.session.get(ThreadFollow, (user.id, post.id))
    return row is not None and not row.muted


def my_reaction(user: User, post: Post) -> str | None:
    """The person's current reaction to a post."""
    row = db.session.get(Reaction, (post.id, user.id))
    return row.kind if row else None


def reaction_counts(post_id: int) -> dict[str, int]:
    """How many of each reaction a post has."""
    rows = db.session.execute(
        select(Reaction.kind, func.count()).where(Reaction.post_id == post_id).group_by(Reaction.kind)
    ).all()
    return {kind: count for kind, count in rows}


def react(user: User, post: Post, kind: str | None) -> dict[str, int]:
    """Set (or with None, remove) the person's one reaction to a post; returns the new counts."""
    if kind is not None and kind not in REACTION_KINDS:
        raise ValidationError({"kind": f"Choose one of: {', '.join(REACTION_KINDS)}."})
    if post.status != "visible":
        raise ValidationError({"kind": "You can't react to this post."})
    existing = db.session.get(Reaction, (post.id, user.id))
    if kind is None:
        if existing is not None:
            db.session.delete(existing)
    elif existing is None:
        db.session.add(Reaction(post_id=post.id, user_id=user.id, kind=kind))
        notify(
            post.author_id,
            "reaction",
            actor=user,
            community=post.community,
            post_id=post.id,
            reaction=kind,
            excerpt=plain_text(post.body_source, 80),
        )
    else:
        existing.kind = kind
    db.session.flush()
    counts = reaction_counts(post.id)
    events.record(
        "reaction_updated", actor=user, community_id=post.community_id, post_id=post.id, counts=counts
    )
    return counts


def reactors(post: Post) -> list[Reaction]:
    """Who reacted and how, newest first (for the who-reacted list)."""
    return list(
        db.session.scalars(
            select(Reaction).where(Reaction.post_id == post.id).order_by(Reaction.created_at.desc())
        )
    )


def set_thread_follow(user: User, post: Post, following: bool) -> None:
    """Follow or unfollow a thread (unfollowing keeps a muted row so replies don't re-follow)."""
    row = db.session.get(ThreadFollow, (user.id, post.id))
    if row is None:
        db.session.add(ThreadFollow(user_id=user.id, post_id=post.id, muted=not following))
    else:
        row.muted = not following
    db.session.flush()
