"""Attachments: checking uploads (type from the content, size, alt text for images), storing them under
MEDIA_DIR/attachments, attaching them to a post or reply, and finding them again.

Publishing checks everything first (check()), so nothing is written for an item that is refused, and
only then stores the files (attach()). An upload that has to wait (the form is shown again, or the
API uploads before posting) is "staged": stored, owned by its uploader, attached to nothing yet.
"""

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.attachments.images import ImageRefused, clean
from app.errors import NotFound
from app.extensions import db
from app.forms import clean_text
from app.media import delete_after_commit, media_dir
from app.models import Attachment, Post, Reply, User, utcnow
from app.sniff import ALLOWED_LABELS, sniff

MAX_ALT = 1000
STAGED_FOR = timedelta(days=1)  # an upload never attached is removed after this
_KEY = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: what the person called it, and its bytes."""

    filename: str
    data: bytes


@dataclass
class Draft:
    """One attachment of an item being written: a new upload, or one staged earlier (by id).

    alt_text None keeps a staged image's alt text as it was given at upload.
    """

    upload: Upload | None = None
    staged_id: int | None = None
    alt_text: str | None = None


@dataclass
class Checked:
    """A draft that passed: the staged row, or the cleaned bytes ready to store."""

    alt_text: str
    row: Attachment | None = None
    kind: str = ""
    data: bytes = b""
    thumbnail: bytes = b""
    file_name: str = ""
    content_type: str = ""
    width: int | None = None
    height: int | None = None


def root() -> Path:
    """Where attachments live: MEDIA_DIR/attachments (outside static/: every download is checked)."""
    return media_dir("attachments")


def file_path(attachment: Attachment, thumbnail: bool = False) -> Path:
    """The stored file (or its thumbnail); NotFound if it isn't there."""
    if not _KEY.fullmatch(attachment.file_key or ""):
        raise NotFound("We couldn't find that file.")
    path = root() / (attachment.file_key + ("-thumb" if thumbnail else ""))
    if not path.is_file():
        raise NotFound("We couldn't find that file.")
    return path


def _safe_stem(filename: str) -> str:
    stem = Path(filename or "").stem
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._ -]+", "", ascii_stem).strip(" .")[:80] or "attachment"


def _alt(raw: str | None) -> str:
    return clean_text(raw)[: MAX_ALT + 1]


def _check_upload(upload: Upload, alt_text: str) -> Checked:
    """Type from the bytes, size, and for images a clean re-drawn copy; ValueError says what's wrong."""
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    name = upload.filename or "file"
    if not upload.data:
        raise ValueError(f"“{name[:60]}” is empty.")
    if len(upload.data) > limit:
        raise ValueError(
            f"“{name[:60]}” is {len(upload.data) / 1048576:.1f} MB; files can be at most {limit / 1048576:g} MB."
        )
    kind = sniff(upload.data)
    if kind is None:
        raise ValueError(f"“{name[:60]}” isn't a file type Rollcall accepts. Attach a {ALLOWED_LABELS} file.")
    stem = _safe_stem(name)
    if not kind.mime.startswith("image/"):
        return Checked(
            alt_text,
            kind="document",
            data=upload.data,
            file_name=f"{stem}.{kind.extension}",
            content_type=kind.mime,
        )
    try:
        image = clean(upload.data)
    except ImageRefused as exc:
        raise ValueError(f"“{name[:60]}”: {exc}") from None
    return Checked(
        alt_text,
        kind="image",
        data=image.data,
        thumbnail=image.thumbnail,
        file_name=f"{stem}.{image.extension}",
        content_type=image.mime,
        width=image.width,
        height=image.height,
    )


def _staged(owner: User, attachment_id: int) -> Attachment | None:
    row = db.session.get(Attachment, attachment_id)
    if row is None or row.uploader_id != owner.id or row.post_id is not None or row.reply_id is not None:
        return None
    return row


def check(
    owner: User, drafts: list[Draft], errors: dict[str, str], require_alt: bool = True
) -> list[Checked]:
    """Check every draft of an item; problems go into errors["attachments"] (one message)."""
    limit = current_app.config["ATTACHMENT_MAX_COUNT"]
    if len(drafts) > limit:
        errors["attachments"] = f"Attach at most {limit} files."
        return []
    checked: list[Checked] = []
    for draft in drafts:
        try:
            if draft.upload is not None:
                item = _check_upload(draft.upload, _alt(draft.alt_text))
            else:
                row = _staged(owner, draft.staged_id or 0)
                if row is None:
                    raise ValueError("One of the files is no longer available. Attach it again.")
                item = Checked(
                    _alt(draft.alt_text) if draft.alt_text is not None else row.alt_text,
                    row=row,
                    kind=row.kind,
                )
        except ValueError as exc:
            errors.setdefault("attachments", str(exc))
            continue
        if len(item.alt_text) > MAX_ALT:
            errors.setdefault("attachments", f"Keep each description under {MAX_ALT:,} characters.")
        elif require_alt and item.kind == "image" and not item.alt_text:
            errors.setdefault(
                "attachments",
                "Describe each image for people who can't see it (alt text): say what it shows and why it matters.",
            )
        checked.append(item)
    return checked


def _store(owner: User, item: Checked) -> Attachment:
    key = secrets.token_hex(16)
    folder = root()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / key).write_bytes(item.data)
    if item.thumbnail:
        (folder / f"{key}-thumb").write_bytes(item.thumbnail)
    row = Attachment(
        uploader_id=owner.id,
        kind=item.kind,
        file_key=key,
        has_thumbnail=bool(item.thumbnail),
        file_name=item.file_name,
        content_type=item.content_type,
        size=len(item.data),
        width=item.width,
        height=item.height,
        alt_text=item.alt_text,
        created_at=utcnow(),
    )
    db.session.add(row)
    return row


def attach(
    owner: User, checked: list[Checked], *, post: Post | None = None, reply: Reply | None = None
) -> list[Attachment]:
    """Store the checked files and attach them (and any staged ones) to the post or reply, in order."""
    rows = []
    for position, item in enumerate(checked):
        row = item.row or _store(owner, item)
        row.alt_text, row.position = item.alt_text, position
        row.post_id = post.id if post is not None else None
        row.reply_id = reply.id if reply is not None else None
        rows.append(row)
    db.session.flush()
    return rows


def stage(owner: User, drafts: list[Draft]) -> tuple[list[Attachment], dict[str, str]]:
    """Keep the acceptable uploads (alt text or not) for a form shown again, or for the API to attach
    later; returns the staged rows (earlier staged ones included) and what was wrong with the rest."""
    errors: dict[str, str] = {}
    checked = check(owner, drafts, errors, require_alt=False)
    rows = [item.row if item.row is not None else _store(owner, item) for item in checked]
    for row, item in zip(rows, checked, strict=True):
        row.alt_text = item.alt_text
    db.session.flush()
    return rows, errors


def for_posts(post_ids: list[int]) -> dict[int, list[Attachment]]:
    """Every attachment of these posts (one query), in order, by post id."""
    found: dict[int, list[Attachment]] = {}
    if post_ids:
        for row in db.session.scalars(
            select(Attachment)
            .where(Attachment.post_id.in_(post_ids))
            .order_by(Attachment.post_id, Attachment.position)
        ):
            found.setdefault(row.post_id, []).append(row)
    return found


def forget_files(rows: list[Attachment]) -> None:
    """Delete these attachments' files once the transaction commits (their rows are going)."""
    for row in rows:
        if _KEY.fullmatch(row.file_key or ""):
            delete_after_commit(root() / row.file_key, root() / f"{row.file_key}-thumb")


def remove_stale_uploads(now, limit: int = 200) -> int:
    """Remove uploads never attached within a day (their files after commit)."""
    rows = list(
        db.session.scalars(
            select(Attachment)
            .where(
                Attachment.post_id.is_(None),
                Attachment.reply_id.is_(None),
                Attachment.created_at < now - STAGED_FOR,
            )
            .order_by(Attachment.id)
            .limit(limit)
        )
    )
    forget_files(rows)
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    return len(rows)
