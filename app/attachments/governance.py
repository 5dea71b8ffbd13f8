"""Attachments in the governance registry: their files go with purged posts and replies, they are in
subject access downloads and disclosure exports, and uploads never attached are tidied away hourly."""

import time

from sqlalchemy import func, or_, select, update

from app.attachments import services
from app.db import writing
from app.extensions import db
from app.governance import clock
from app.governance.registry import (
    DisclosureKind,
    PersonalData,
    iso,
    register_disclosure,
    register_personal_data,
    register_purge_hook,
)
from app.jobs import task
from app.models import Attachment, Post, Reply, User

CLEANUP_EVERY = 3600.0  # seconds between tidy-ups in one job runner
_last_cleanup = {"at": float("-inf")}


@register_purge_hook
def forget_attachment_files(post_ids: list[int], reply_ids: list[int]) -> None:
    """The rows cascade with their post or reply; the files go after the commit."""
    conditions = []
    if post_ids:
        conditions.append(Attachment.post_id.in_(post_ids))
    if reply_ids:
        conditions.append(Attachment.reply_id.in_(reply_ids))
    if post_ids:  # a purged post's replies go with it, and their attachments too
        conditions.append(Attachment.reply_id.in_(select(Reply.id).where(Reply.post_id.in_(post_ids))))
    if conditions:
        services.forget_files(list(db.session.scalars(select(Attachment).where(or_(*conditions)))))


def _uploaded(user: User):
    return select(Attachment).where(Attachment.uploader_id == user.id).order_by(Attachment.id)


def _describe(a: Attachment) -> dict:
    return {
        "id": a.id,
        "post_id": a.post_id,
        "reply_id": a.reply_id,
        "kind": a.kind,
        "file_name": a.file_name,
        "content_type": a.content_type,
        "size": a.size,
        "alt_text": a.alt_text,
        "uploaded_at": iso(a.created_at),
        "file": f"files/attachment-{a.id}-{a.file_name}",
    }


def _files(rows) -> list:
    found = []
    for a in rows:
        try:
            found.append((f"attachment-{a.id}-{a.file_name}", services.file_path(a)))
        except Exception:  # noqa: BLE001 - a missing file is listed in the JSON but can't be included
            continue
    return found


def _erase(user: User, placeholder: User) -> int:
    """Files stay with the posts they illustrate, credited to the placeholder like the posts."""
    return (
        db.session.execute(
            update(Attachment).where(Attachment.uploader_id == user.id).values(uploader_id=placeholder.id)
        ).rowcount
        or 0
    )


register_personal_data(
    PersonalData(
        "attachments",
        "Attachments",
        "Images and documents you attached (the files are in the files folder).",
        lambda user: [_describe(a) for a in db.session.scalars(_uploaded(user))],
        erase=_erase,
        files=lambda user: _files(db.session.scalars(_uploaded(user))),
        count=lambda user: db.session.scalar(
            select(func.count()).select_from(Attachment).where(Attachment.uploader_id == user.id)
        ),
    )
)


def _in_community(community, start, end):
    reply_in = (
        select(Reply.id)
        .join(Post, Post.id == Reply.post_id)
        .where(Post.community_id == community.id, Reply.created_at >= start, Reply.created_at < end)
    )
    post_in = select(Post.id).where(
        Post.community_id == community.id, Post.created_at >= start, Post.created_at < end
    )
    return (
        select(Attachment)
        .where(or_(Attachment.post_id.in_(post_in), Attachment.reply_id.in_(reply_in)))
        .order_by(Attachment.id)
    )


register_disclosure(
    DisclosureKind(
        "attachments",
        "Attachments",
        (
            "id",
            "post_id",
            "reply_id",
            "kind",
            "file_name",
            "content_type",
            "size",
            "alt_text",
            "uploaded_at",
            "file",
        ),
        lambda community, start, end: [
            _describe(a) for a in db.session.scalars(_in_community(community, start, end))
        ],
        files=lambda community, start, end: _files(db.session.scalars(_in_community(community, start, end))),
    )
)


@task("attachments_cleanup")
def tidy_uploads() -> int | None:
    """Hourly: remove uploads that were never attached to a post or reply within a day."""
    if time.monotonic() - _last_cleanup["at"] < CLEANUP_EVERY:
        return None
    _last_cleanup["at"] = time.monotonic()
    with writing():
        removed = services.remove_stale_uploads(clock.now())
        db.session.commit()
    return removed
