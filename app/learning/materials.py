"""Session materials: links, and files stored under MEDIA_DIR and served only to the session's readers."""

import re
import secrets
import unicodedata
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from app import events
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import clean_text
from app.learning import clock
from app.learning.services import MAX_TITLE, check_http_url
from app.models import LearningSession, SessionMaterial, User
from app.permissions import can_manage_session
from app.sniff import ALLOWED_LABELS, sniff

MAX_MATERIALS = 30


def media_root() -> Path:
    """Where session files live: MEDIA_DIR/sessions."""
    return Path(current_app.config["MEDIA_DIR"]) / "sessions"


def materials_for(session: LearningSession) -> list[SessionMaterial]:
    """A session's materials, oldest first."""
    return list(
        db.session.scalars(
            select(SessionMaterial)
            .where(SessionMaterial.session_id == session.id)
            .order_by(SessionMaterial.id)
        )
    )


def _safe_stem(filename: str) -> str:
    """A readable, harmless download name from what the uploader called the file."""
    stem = Path(filename or "").stem
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._ -]+", "", ascii_stem).strip(" .")[:80] or "material"


def _check_common(actor: User, session: LearningSession, title: str) -> dict[str, str]:
    if not can_manage_session(actor, session):
        raise PermissionDenied("Only the session's hosts can add materials.")
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Give the material a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Use at most {MAX_TITLE} characters."
    count = db.session.scalar(
        select(func.count()).select_from(SessionMaterial).where(SessionMaterial.session_id == session.id)
    )
    if count >= MAX_MATERIALS:
        errors["form"] = f"A session can have at most {MAX_MATERIALS} materials."
    return errors


def add_link(actor: User, session: LearningSession, title: str, url: str) -> SessionMaterial:
    """Hosts add a link (http or https only)."""
    title, url = clean_text(title), clean_text(url)
    errors = _check_common(actor, session, title)
    errors.update(check_http_url(url, "url") if url else {"url": "Paste the link's address."})
    if errors:
        raise ValidationError(errors)
    return _added(actor, session, SessionMaterial(session_id=session.id, title=title, url=url))


def add_file(
    actor: User, session: LearningSession, title: str, filename: str, data: bytes
) -> SessionMaterial:
    """Hosts upload a file: its type is sniffed from its content and its size capped."""
    title = clean_text(title) or clean_text(Path(filename or "").stem)[:MAX_TITLE]
    errors = _check_common(actor, session, title)
    limit = current_app.config["SESSION_MATERIAL_MAX_BYTES"]
    kind = sniff(data) if 0 < len(data) <= limit else None
    if not data:
        errors["file"] = "Choose a file to upload."
    elif len(data) > limit:
        errors["file"] = (
            f"Files can be at most {limit / 1048576:g} MB (this one is {len(data) / 1048576:.1f} MB)."
        )
    elif kind is None:
        errors["file"] = f"That file type isn't accepted. Upload a {ALLOWED_LABELS} file."
    if errors:
        raise ValidationError(errors)
    key = secrets.token_hex(16)
    root = media_root()
    root.mkdir(parents=True, exist_ok=True)
    (root / key).write_bytes(data)
    material = SessionMaterial(
        session_id=session.id,
        title=title,
        file_key=key,
        file_name=f"{_safe_stem(filename)}.{kind.extension}",
        content_type=kind.mime,
        size=len(data),
    )
    return _added(actor, session, material)


def _added(actor: User, session: LearningSession, material: SessionMaterial) -> SessionMaterial:
    material.added_by_id, material.created_at = actor.id, clock.now()
    db.session.add(material)
    db.session.flush()
    events.record(
        "session_updated",
        actor=actor,
        community_id=session.community_id,
        session_id=session.id,
        materials=True,
    )
    return material


def get_material(session: LearningSession, material_id: int) -> SessionMaterial:
    """A material of this session (the caller has checked the session is visible)."""
    material = db.session.get(SessionMaterial, material_id)
    if material is None or material.session_id != session.id:
        raise NotFound("We couldn't find that file.")
    return material


def file_path(material: SessionMaterial) -> Path:
    """Where a stored file is on disk (its key is random hex: no path tricks are possible)."""
    if not material.file_key or not re.fullmatch(r"[0-9a-f]{32}", material.file_key):
        raise NotFound("We couldn't find that file.")
    path = media_root() / material.file_key
    if not path.is_file():
        raise NotFound("We couldn't find that file.")
    return path


def remove_material(actor: User, session: LearningSession, material: SessionMaterial) -> None:
    """Hosts remove a material; a stored file is deleted from disk after the commit."""
    if not can_manage_session(actor, session):
        raise PermissionDenied("Only the session's hosts can remove materials.")
    key = material.file_key
    db.session.delete(material)
    db.session.flush()
    events.record(
        "session_updated",
        actor=actor,
        community_id=session.community_id,
        session_id=session.id,
        materials=True,
    )
    if key:
        db.session.info.setdefault("learning_files_to_delete", []).append(key)


def delete_removed_files() -> None:
    """After commit: delete the files of materials removed in the transaction."""
    for key in db.session.info.pop("learning_files_to_delete", []):
        (media_root() / key).unlink(missing_ok=True)
