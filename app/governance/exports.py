"""Downloads of what Rollcall holds: subject access (about a person) and disclosure (a community over a
date range). Each is a zip under MEDIA_DIR/exports, fetched only by whoever asked for it, until it
expires. Small ones are built at once; bigger ones by the job runner (task "data_exports"), which also
deletes expired files. What goes in the zips is in app/governance/bundles.py.
"""

import secrets
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import Select, and_, insert, or_, select, update

from app import audit
from app.db import write_intent, writing
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import clean_text, parse_id
from app.governance import clock
from app.governance.holds import parse_day
from app.governance.registry import PERSONAL_DATA
from app.jobs import task
from app.media import delete_after_commit, media_dir
from app.models import AuditEntry, Community, DataExport, User
from app.notifications.services import notify, register_kinds
from app.permissions import is_admin

MAX_REFERENCE = 200
MAX_RANGE_DAYS = 3660  # ten years: a disclosure is about a period, not everything ever
STALE_CLAIM = timedelta(hours=1)

register_kinds(data_export_ready="A download of my data is ready")


class Gone(Exception):
    """The download existed but has expired (answered 410)."""


def root() -> Path:
    """Where export zips live: MEDIA_DIR/exports."""
    return media_dir("exports")


def path_of(export: DataExport) -> Path:
    """The zip on disk (its key is random hex, never user input)."""
    return root() / f"{export.file_key}.zip"


def _busy(requester: User, kind: str) -> bool:
    return (
        db.session.scalar(
            select(DataExport.id).where(
                DataExport.requested_by_id == requester.id,
                DataExport.kind == kind,
                DataExport.status.in_(("pending", "building")),
            )
        )
        is not None
    )


def estimate(subject: User) -> tuple[int, int]:
    """(rows, bytes of files) a subject access download of this person would hold, roughly."""
    rows = sum(kind.count(subject) for kind in PERSONAL_DATA.values() if kind.count)
    size = sum(
        path.stat().st_size
        for kind in PERSONAL_DATA.values()
        if kind.files
        for _, path in kind.files(subject)
        if path.is_file()
    )
    return rows, size


def _fits(rows: int, size: int) -> bool:
    config = current_app.config
    return rows <= config["DATA_EXPORT_SYNC_MAX_ROWS"] and size <= config["DATA_EXPORT_SYNC_MAX_BYTES"]


def request_subject_access(requester: User, subject: User, reference: str = "") -> DataExport:
    """Ask for everything Rollcall holds about a person: themselves, or anyone for an admin (audited).

    Built at once when small enough, else left for the job runner (the person is told when it's ready).
    """
    if requester.id != subject.id and not is_admin(requester):
        raise PermissionDenied("Only admins can download someone else's data.")
    reference = clean_text(reference)
    if len(reference) > MAX_REFERENCE:
        raise ValidationError({"reference": f"Keep the reference under {MAX_REFERENCE} characters."})
    if _busy(requester, "subject_access"):
        raise ValidationError({"form": "A download is already being prepared. It will be ready soon."})
    export = DataExport(
        kind="subject_access",
        requested_by_id=requester.id,
        subject_id=subject.id,
        reference=reference,
        created_at=clock.now(),
    )
    db.session.add(export)
    db.session.flush()
    if requester.id != subject.id:
        audit.record(
            requester, "subject_access.requested", "user", subject.id, reference, export_id=export.id
        )
    if _fits(*estimate(subject)):
        build_now(export)
    return export


def _day(raw: str | None, field: str) -> datetime:
    value = parse_day(raw, field)
    if value is None:
        raise ValidationError({field: "Enter a date, like 2026-03-24."})
    return datetime.combine(value, time(), tzinfo=UTC)


def request_disclosure(
    admin: User, community_id: object, starts_on: str, ends_on: str, reference: str = ""
) -> DataExport:
    """An admin exports a community's content between two dates (inclusive), for a freedom-of-
    information or other disclosure request; audited with its reference."""
    if not is_admin(admin):
        raise PermissionDenied("Only admins can make disclosure exports.")
    errors: dict[str, str] = {}
    community = (
        db.session.get(Community, parse_id(community_id) or 0) if community_id not in (None, "") else None
    )
    if community is None:
        errors["community_id"] = "Choose a community."
    start = end = None
    for field, raw in (("starts_on", starts_on), ("ends_on", ends_on)):
        try:
            value = _day(raw, field)
        except ValidationError as exc:
            errors.update(exc.fields)
            continue
        start, end = (value, end) if field == "starts_on" else (start, value + timedelta(days=1))
    if start and end and end <= start:
        errors["ends_on"] = "The end date must be on or after the start date."
    elif start and end and (end - start).days > MAX_RANGE_DAYS:
        errors["ends_on"] = "Choose a range of at most ten years."
    reference = clean_text(reference)
    if not reference:
        errors["reference"] = (
            "Give the request's reference (the FOI or case number), so the export can be traced."
        )
    elif len(reference) > MAX_REFERENCE:
        errors["reference"] = f"Keep the reference under {MAX_REFERENCE} characters."
    if errors:
        raise ValidationError(errors)
    if _busy(admin, "disclosure"):
        raise ValidationError(
            {"form": "A disclosure export is already being prepared. It will be ready soon."}
        )
    export = DataExport(
        kind="disclosure",
        requested_by_id=admin.id,
        community_id=community.id,
        starts_at=start,
        ends_at=end,
        reference=reference,
        created_at=clock.now(),
    )
    db.session.add(export)
    db.session.flush()
    audit.record(
        admin,
        "disclosure.requested",
        "community",
        community.id,
        reference,
        export_id=export.id,
        starts_on=start.date().isoformat(),
        ends_on=(end - timedelta(days=1)).date().isoformat(),
    )
    from app.governance.bundles import disclosure_rows

    if disclosure_rows(community, start, end) <= current_app.config["DATA_EXPORT_SYNC_MAX_ROWS"]:
        build_now(export)
    return export


def build_now(export: DataExport) -> None:
    """Build while the person waits; if that fails it stays pending for the job runner to retry."""
    try:
        with db.session.begin_nested():
            build(export)
    except Exception:  # noqa: BLE001 - logged; the job runner tries again and records a failure
        current_app.logger.exception("Building export %s failed; left for the job runner", export.id)


def build(export: DataExport) -> None:
    """Write the zip and mark the export ready until DATA_EXPORT_DAYS from now (flushes)."""
    from app.governance.bundles import write_disclosure, write_subject_access

    key = secrets.token_hex(16)
    folder = root()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{key}.zip"
    partial = folder / f"{key}.partial"
    try:
        if export.kind == "subject_access":
            counts = write_subject_access(partial, export)
        else:
            counts = write_disclosure(partial, export)
        partial.replace(target)
    except Exception:
        partial.unlink(missing_ok=True)
        raise
    now = clock.now()
    export.file_key, export.size, export.counts = key, target.stat().st_size, counts
    export.status, export.ready_at = "ready", now
    export.expires_at = now + timedelta(days=current_app.config["DATA_EXPORT_DAYS"])
    db.session.flush()


def my_exports(user: User, limit: int = 20) -> list[DataExport]:
    """Downloads the person asked for, newest first."""
    return list(
        db.session.scalars(
            select(DataExport)
            .where(DataExport.requested_by_id == user.id)
            .order_by(DataExport.id.desc())
            .limit(limit)
        )
    )


def download(user: User, export_id: int) -> tuple[DataExport, Path]:
    """The zip, for whoever asked for it only; NotFound for anyone else, Gone once expired."""
    export = db.session.get(DataExport, export_id)
    if export is None or export.requested_by_id != user.id:
        raise NotFound("We couldn't find that download.")
    if export.status == "expired" or (export.expires_at is not None and export.expires_at <= clock.now()):
        raise Gone()
    if export.status != "ready" or not path_of(export).is_file():
        raise NotFound("That download isn't ready yet.")
    _record_download(user, export)
    return export, path_of(export)


def _record_download(user: User, export: DataExport) -> None:
    """When it was first downloaded, and (for an admin's export about someone else) an audit entry.

    Committed at once on a connection of its own: a GET's transaction stays read-only (SQLite can't
    safely turn a read into a write), as for link click-throughs.
    """
    now = clock.now()
    statements = [
        update(DataExport)
        .where(DataExport.id == export.id, DataExport.downloaded_at.is_(None))
        .values(downloaded_at=now)
    ]
    if export.subject_id != user.id:
        target_type, target_id = (
            ("user", export.subject_id)
            if export.kind == "subject_access"
            else ("community", export.community_id)
        )
        statements.append(
            insert(AuditEntry).values(
                actor_id=user.id,
                action=f"{export.kind}.downloaded",
                target_type=target_type,
                target_id=target_id,
                reason=export.reference,
                data={"export_id": export.id},
                created_at=now,
            )
        )
    if write_intent.get():
        for statement in statements:
            db.session.execute(statement)
        return
    with writing(), db.engine.begin() as connection:
        for statement in statements:
            connection.execute(statement)


def forget_exports(stmt: Select) -> int:
    """Delete these exports and their files (after commit)."""
    rows = list(db.session.scalars(stmt))
    for export in rows:
        if export.file_key:
            delete_after_commit(path_of(export))
        db.session.delete(export)
    db.session.flush()
    return len(rows)


def expire_due(now: datetime) -> int:
    """Expired downloads lose their file; the row stays as a record that one was made."""
    rows = list(
        db.session.scalars(
            select(DataExport).where(DataExport.status == "ready", DataExport.expires_at <= now).limit(100)
        )
    )
    for export in rows:
        delete_after_commit(path_of(export))
        export.status, export.file_key = "expired", None
    db.session.flush()
    return len(rows)


def _claimable(now: datetime):
    # Waiting, or taken by a runner that stopped (crashed) over an hour ago.
    return or_(
        DataExport.status == "pending",
        and_(DataExport.status == "building", DataExport.claimed_at < now - STALE_CLAIM),
    )


def claim_next(now: datetime) -> DataExport | None:
    """Take the oldest waiting export for this runner (a conditional update, so only one runner wins;
    commits the claim)."""
    candidate = db.session.scalar(
        select(DataExport.id).where(_claimable(now)).order_by(DataExport.id).limit(1)
    )
    if candidate is None:
        return None
    claimed = db.session.execute(
        update(DataExport)
        .where(DataExport.id == candidate, _claimable(now))
        .values(status="building", claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return db.session.get(DataExport, candidate) if claimed == 1 else None


def tell_ready(export: DataExport) -> None:
    """A download built by the job runner is ready: tell whoever asked."""
    if export.requested_by_id is not None:
        notify(export.requested_by_id, "data_export_ready", export_id=export.id, export_kind=export.kind)


@task("data_exports")
def build_waiting_exports() -> int:
    """Delete expired downloads' files, and build the oldest waiting download (one per pass, so a
    pass stays short); returns how many exports changed."""
    now = clock.now()
    with writing():
        changed = expire_due(now)
        db.session.commit()
        export = claim_next(now)
        if export is None:
            return changed
        try:
            build(export)
            tell_ready(export)
            db.session.commit()
        except Exception:  # noqa: BLE001 - recorded on the export; the person sees it failed
            db.session.rollback()
            current_app.logger.exception("Building export %s failed", export.id)
            db.session.execute(
                update(DataExport)
                .where(DataExport.id == export.id)
                .values(status="failed", error="It couldn't be built. Ask an admin to look at the logs.")
            )
            db.session.commit()
    return changed + 1
