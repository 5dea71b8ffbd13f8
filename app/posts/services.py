"""Post services: write, edit (with revisions), delete, pin, and who may see or change a post."""

from collections.abc import Sequence

from sqlalchemy import select

from app import events
from app.attachments import services as attachments
from app.communities.services import all_staff
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import strip_control
from app.models import Community, Post, Revision, ThreadFollow, User, utcnow
from app.notifications.services import notify_many
from app.objectives.services import DEFAULT, objective_for_post
from app.permissions import can_manage_community, can_see_content, can_see_update_post, has_role
from app.posts import screening
from app.posts.markings import check_marking
from app.posts.rendering import check_body, render_body, set_post_topics
from app.sanitize import plain_text


def can_write_in(user: User, community: Community) -> bool:
    """Anyone who may read an active community may post there."""
    return not community.is_archived and can_see_content(user, community)


def can_moderate(user: User, community: Community) -> bool:
    """Moderators, site admins and the community's owners and admins."""
    return has_role(user, "moderator") or can_manage_community(user, community)


def can_see_post(user: User, post: Post) -> bool:
    """Readers of the community see visible and deleted (as a tombstone) posts; held or hidden ones
    only their author and moderators; a leadership update only its audience."""
    if not can_see_content(user, post.community) or not can_see_update_post(user, post):
        return False
    if post.status in ("held", "hidden"):
        return post.author_id == user.id or can_moderate(user, post.community)
    return True


def get_post(user: User, post_id: int) -> Post:
    """The post if the person may see it; NotFound otherwise (never reveals it exists)."""
    post = db.session.get(Post, post_id)
    if post is None or not can_see_post(user, post):
        raise NotFound("We couldn't find that post.")
    return post


def get_community_by_id(user: User, community_id: int | None) -> Community:
    """The community to post in (All staff when none is given), if the person may write there."""
    if community_id is None:
        return all_staff()
    community = db.session.get(Community, community_id)
    if community is None or not can_see_content(user, community):
        raise ValidationError({"community_id": "Choose a community you belong to."})
    return community


def follow_thread(user_id: int, post_id: int) -> None:
    """Follow a thread (idempotent)."""
    if db.session.get(ThreadFollow, (user_id, post_id)) is None:
        db.session.add(ThreadFollow(user_id=user_id, post_id=post_id))


def notify_mentions(
    author: User, post: Post, mentioned: dict[str, User], reply_id: int | None = None
) -> None:
    """Notify the mentioned people who may read the post (its community, and an update's audience)."""
    readers = [
        u.id
        for u in mentioned.values()
        if can_see_content(u, post.community) and can_see_update_post(u, post)
    ]
    notify_many(
        readers,
        "mention",
        actor=author,
        community=post.community,
        post_id=post.id,
        reply_id=reply_id,
        excerpt=plain_text(post.body_source, 140),
    )


def attachment_texts(checked: list[attachments.Checked]) -> dict[str, str]:
    """Alt text is published with the item, so the sensitive-content warning reads it too."""
    alts = "\n".join(item.alt_text for item in checked if item.alt_text)
    return {"attachments": alts} if alts else {}


def create_post(
    author: User,
    body: str,
    community: Community | None = None,
    objective: int | str | None = DEFAULT,
    *,
    marking: str = "",
    files: Sequence[attachments.Draft] = (),
    confirm_sensitive: bool = False,
) -> Post:
    """Write a post to a community (All staff by default), serving the chosen objective (else the
    community's default; None: none), with an optional protective marking and attachments; screening may hold it for review, and the sensitive-content warning asks the author
    to edit or confirm (NeedsConfirmation) before it is published."""
    body = strip_control(body)
    community = community or all_staff()
    errors = check_body(body)
    if not errors and not can_write_in(author, community):
        errors["community_id"] = (
            "This community is archived." if community.is_archived else "Join this community to post in it."
        )
    try:
        objective_id = objective_for_post(objective, community)
    except ValidationError as exc:
        errors |= exc.fields
    try:
        marking = check_marking(marking)
    except ValidationError as exc:
        errors.update(exc.fields)
    checked = attachments.check(author, list(files), errors)
    if errors:
        raise ValidationError(errors)
    hold = screening.screen(author, community, body)
    findings = screening.check_sensitive(
        author, {"body": body, **attachment_texts(checked)}, confirm_sensitive
    )
    rendered, mentioned = render_body(body)
    post = Post(
        author=author,
        community=community,
        body_source=body,
        body_html=rendered.html,
        render_version=rendered.version,
        status="held" if hold else "visible",
        objective_id=objective_id,
        marking=marking,
    )
    db.session.add(post)
    db.session.flush()
    attachments.attach(author, checked, post=post)
    screening.sensitive_confirmed(author, "post", post.id, findings)
    if rendered.topics:  # a new post has no topics to replace
        set_post_topics(post.id, rendered.topics)
    db.session.add(ThreadFollow(user_id=author.id, post_id=post.id))  # new, so not followed yet
    if hold:
        screening.held(author, post, hold)
    else:
        announce_post(author, post, mentioned, rendered.topics)
    return post


def announce_post(
    actor: User, post: Post, mentioned: dict[str, User], topics: list[str], event: str = "post_created"
) -> None:
    """A post became visible: notify the people it mentions and tell live readers (post_created, or
    post_approved when a moderator lets a held post through)."""
    notify_mentions(post.author, post, mentioned)
    events.record(
        event,
        actor=actor,
        community_id=post.community_id,
        post_id=post.id,
        author_id=post.author_id,
        topics=topics,
    )


def edit_post(actor: User, post: Post, body: str, confirm_sensitive: bool = False) -> Post:
    """The author edits a post; the earlier text is kept as a revision.

    A post a moderator hid ("needs change") goes back for review when edited, and screening may hold
    an edited visible post; either way it is held until a moderator looks again. The new text gets
    the sensitive-content warning like a new post.
    """
    body = strip_control(body)
    if post.author_id != actor.id or post.status == "deleted":
        raise PermissionDenied("Only the author can edit this post.")
    if post.kind == "proposal":  # its text is the proposal's "why": edited with the proposal, versioned there
        raise PermissionDenied("Edit the proposal itself: its page keeps every version.")
    errors = check_body(body)
    if errors:
        raise ValidationError(errors)
    if body == post.body_source:
        return post
    hold = screening.screen(actor, post.community, body, editing=True)
    findings = screening.check_sensitive(actor, {"body": body}, confirm_sensitive)
    if post.status == "hidden":
        hold = "you changed it after a moderator asked you to"
    screening.sensitive_confirmed(actor, "post", post.id, findings)
    db.session.add(Revision(post_id=post.id, body_source=post.body_source, edited_by_id=actor.id))
    _, before = render_body(post.body_source)
    rendered, mentioned = render_body(body)
    post.body_source, post.body_html, post.render_version = body, rendered.html, rendered.version
    post.edited_at = utcnow()
    set_post_topics(post.id, rendered.topics)
    if hold and post.status in ("visible", "hidden"):
        post.status = "held"
        db.session.flush()
        screening.held(actor, post, hold)
    elif post.status == "visible":
        notify_mentions(actor, post, {h: u for h, u in mentioned.items() if h not in before})
    events.record("post_updated", actor=actor, community_id=post.community_id, post_id=post.id)
    return post


def delete_post(actor: User, post: Post) -> None:
    """Soft-delete: the author, community admins and moderators; readers see "this post was removed"."""
    if post.author_id != actor.id and not can_moderate(actor, post.community):
        raise PermissionDenied("You can't delete this post.")
    if post.status == "deleted":
        return
    post.status, post.deleted_at, post.deleted_by_id, post.pinned_at = "deleted", utcnow(), actor.id, None
    db.session.flush()
    events.record("post_deleted", actor=actor, community_id=post.community_id, post_id=post.id)


def set_pinned(actor: User, post: Post, pinned: bool) -> None:
    """Community owners/admins (and moderators) pin a post to the top of the community feed."""
    if not can_moderate(actor, post.community):
        raise PermissionDenied("Only the community's admins can pin posts.")
    if post.status != "visible":
        raise ValidationError({"post": "Only visible posts can be pinned."})
    post.pinned_at = utcnow() if pinned else None
    db.session.flush()
    events.record("post_pinned", actor=actor, community_id=post.community_id, post_id=post.id, pinned=pinned)


def revisions(viewer: User, post: Post) -> list[Revision]:
    """Earlier texts, newest first: for the author and moderators only."""
    if post.author_id != viewer.id and not can_moderate(viewer, post.community):
        raise PermissionDenied("Only the author and moderators can see the edit history.")
    return list(
        db.session.scalars(select(Revision).where(Revision.post_id == post.id).order_by(Revision.id.desc()))
    )
