"""Removing posts and replies for good, with everything that points at them, and anonymising them.

Everyday deletion is a soft delete (status "deleted", text kept for moderators and appeals); only the
retention job removes rows. Removal deletes the post's replies, reactions, revisions, topic links,
follows and feature rows (their foreign keys cascade), the notifications and sensitive-content
confirmations about them, and the files of their attachments and feature rows (purge hooks), and
records post_deleted / reply_deleted so search and open pages drop them.
"""

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from app import events
from app.extensions import db
from app.governance import clock
from app.governance.registry import purge_hooks
from app.models import Notification, Post, Reply, Revision, SensitiveConfirmation, User

# Who anonymised content is credited to: one shared account per reason, so nothing can be grouped
# back into one person's contributions.
PLACEHOLDERS = {"erased": "Former member (erased)", "anonymised": "Anonymised"}


def placeholder(kind: str) -> User:
    """The shared placeholder account for "erased" or "anonymised" content (created once)."""
    email = f"{kind}@placeholder.invalid"
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None:
        return user
    now = clock.now()
    try:
        with db.session.begin_nested():
            user = User(
                email=email,
                name=PLACEHOLDERS[kind],
                handle=f"former-member-{kind}",
                password_hash=None,
                deactivated_at=now,
                erased_at=now,
            )
            db.session.add(user)
    except IntegrityError:  # created by a concurrent run
        user = db.session.scalar(select(User).where(User.email == email))
    return user


def placeholder_ids() -> list[int]:
    """The ids of the placeholder accounts that exist (anonymised rows point at them)."""
    emails = [f"{kind}@placeholder.invalid" for kind in PLACEHOLDERS]
    return list(db.session.scalars(select(User.id).where(User.email.in_(emails))))


def forget_notifications(column: str, ids: list[int]) -> None:
    """Delete notifications whose data names one of these ids under `column` (post_id, reply_id ...)."""
    # Notifications quote the item ("… replied: “excerpt”") and link to it.
    db.session.execute(
        delete(Notification)
        .where(Notification.data[column].as_integer().in_(ids))
        .execution_options(synchronize_session=False)
    )


def _forget_confirmations(item_type: str, ids: list[int]) -> None:
    db.session.execute(
        delete(SensitiveConfirmation).where(
            SensitiveConfirmation.item_type == item_type, SensitiveConfirmation.item_id.in_(ids)
        )
    )


def purge_posts(post_ids: list[int]) -> int:
    """Remove posts for good with everything that depends on them; returns how many went."""
    rows = db.session.execute(select(Post.id, Post.community_id).where(Post.id.in_(post_ids))).all()
    if not rows:
        return 0
    ids = [row.id for row in rows]
    reply_ids = list(db.session.scalars(select(Reply.id).where(Reply.post_id.in_(ids))))
    for hook in purge_hooks():
        hook(ids, reply_ids)
    forget_notifications("post_id", ids)
    _forget_confirmations("post", ids)
    if reply_ids:
        _forget_confirmations("reply", reply_ids)
    db.session.execute(delete(Post).where(Post.id.in_(ids)).execution_options(synchronize_session=False))
    db.session.expire_all()  # cascaded rows (replies, links ...) may sit in the identity map
    for row in rows:
        events.record("post_deleted", community_id=row.community_id, post_id=row.id, purged=True)
    return len(ids)


def purge_replies(reply_ids: list[int]) -> int:
    """Remove replies for good (their revisions and attachments too) and recount their threads."""
    rows = db.session.execute(
        select(Reply.id, Reply.post_id, Post.community_id)
        .join(Post, Post.id == Reply.post_id)
        .where(Reply.id.in_(reply_ids))
    ).all()
    if not rows:
        return 0
    ids = [row.id for row in rows]
    for hook in purge_hooks():
        hook([], ids)
    forget_notifications("reply_id", ids)
    _forget_confirmations("reply", ids)
    db.session.execute(delete(Reply).where(Reply.id.in_(ids)).execution_options(synchronize_session=False))
    counts = recount_replies({row.post_id for row in rows})
    db.session.expire_all()
    for row in rows:
        events.record(
            "reply_deleted",
            community_id=row.community_id,
            post_id=row.post_id,
            reply_id=row.id,
            reply_count=counts[row.post_id],
            purged=True,
        )
    return len(ids)


def recount_replies(post_ids: set[int]) -> dict[int, int]:
    """Set each post's reply count from its visible replies; returns the new counts."""
    counts = dict.fromkeys(post_ids, 0)
    counts.update(
        db.session.execute(
            select(Reply.post_id, func.count())
            .where(Reply.post_id.in_(post_ids), Reply.status == "visible")
            .group_by(Reply.post_id)
        ).all()
    )
    for post_id, count in counts.items():
        db.session.execute(update(Post).where(Post.id == post_id).values(reply_count=count))
    return counts


def anonymise_posts(post_ids: list[int], kind: str = "anonymised") -> int:
    """Credit posts to the placeholder (the text stays; who wrote it doesn't), earlier versions too."""
    who = placeholder(kind)
    rows = db.session.execute(select(Post.id, Post.community_id).where(Post.id.in_(post_ids))).all()
    ids = [row.id for row in rows]
    if not ids:
        return 0
    db.session.execute(
        update(Post)
        .where(Post.id.in_(ids))
        .values(author_id=who.id)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Revision)
        .where(Revision.post_id.in_(ids))
        .values(edited_by_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    for row in rows:
        events.record("post_updated", community_id=row.community_id, post_id=row.id, anonymised=True)
    return len(ids)


def anonymise_replies(reply_ids: list[int], kind: str = "anonymised") -> int:
    """Credit replies to the placeholder, earlier versions too."""
    who = placeholder(kind)
    rows = db.session.execute(
        select(Reply.id, Reply.post_id, Post.community_id, Post.reply_count)
        .join(Post, Post.id == Reply.post_id)
        .where(Reply.id.in_(reply_ids))
    ).all()
    ids = [row.id for row in rows]
    if not ids:
        return 0
    db.session.execute(
        update(Reply)
        .where(Reply.id.in_(ids))
        .values(author_id=who.id)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Revision)
        .where(Revision.reply_id.in_(ids))
        .values(edited_by_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    for row in rows:
        events.record(
            "reply_updated",
            community_id=row.community_id,
            post_id=row.post_id,
            reply_id=row.id,
            reply_count=row.reply_count,
            anonymised=True,
        )
    return len(ids)
