"""The audit log page: every moderation and admin action, filtered by action, actor and date, newest
first by cursor, and exported as CSV (the export is itself audited)."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, select

from app import audit
from app.errors import ValidationError
from app.extensions import db
from app.forms import parse_id
from app.models import AuditEntry, User
from app.policy.services import safe_cell

PAGE_SIZE = 50


@dataclass
class AuditFilters:
    """The filters as typed (kept in the form) and as parsed."""

    action: str = ""
    actor: str = ""
    date_from: str = ""
    date_to: str = ""

    def as_args(self) -> dict[str, str]:
        """The filters that are set, for links to the next page and the export."""
        return {k: v for k, v in vars(self).items() if v}


def _day(raw: str, field: str, errors: dict[str, str]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[field] = "Use a date like 2026-03-31."
        return None


def filtered(filters: AuditFilters) -> Select[tuple[AuditEntry]]:
    """Entries matching the filters, newest first; ValidationError names any filter that can't be used."""
    errors: dict[str, str] = {}
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
    if filters.action:
        if len(filters.action) > 60:
            errors["action"] = "Choose an action from the list."
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.actor:
        actor_id = parse_id(filters.actor)
        if actor_id is None:
            errors["actor"] = "Choose a person from the list."
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    start, end = _day(filters.date_from, "date_from", errors), _day(filters.date_to, "date_to", errors)
    if start and end and end < start:
        errors["date_to"] = "The end date is before the start date."
    if errors:
        raise ValidationError(errors, "Those filters can't be used. Please check them.")
    if start:
        stmt = stmt.where(AuditEntry.created_at >= datetime.combine(start, time(), UTC))
    if end:
        stmt = stmt.where(AuditEntry.created_at < datetime.combine(end + timedelta(days=1), time(), UTC))
    return stmt


def page(stmt: Select, cursor: str | None) -> tuple[list[AuditEntry], int | None]:
    """Entries older than the cursor (an entry id) and the next cursor."""
    before = parse_id(cursor) if cursor else None
    if before is not None:
        stmt = stmt.where(AuditEntry.id < before)
    rows = list(db.session.scalars(stmt.limit(PAGE_SIZE + 1)).unique())
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, rows[-1].id if more and rows else None


def action_choices() -> list[str]:
    """Every action that appears in the log."""
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def actor_choices() -> list[tuple[int, str]]:
    """Everyone who appears in the log as an actor, by name."""
    rows = db.session.execute(
        select(User.id, User.name)
        .where(User.id.in_(select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None))))
        .order_by(User.name)
    )
    return [(user_id, name) for user_id, name in rows]


def export(actor: User, filters: AuditFilters) -> Iterator[str]:
    """Record the export; returns the matching entries as CSV lines, read as they are streamed (commit
    first: the lines are produced after the view returns)."""
    stmt = filtered(filters)
    audit.record(actor, "audit.exported", "audit_log", None, filters=filters.as_args())

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["id", "when", "actor", "action", "target_type", "target_id", "reason", "data"])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        for entry in db.session.scalars(stmt.execution_options(yield_per=500)):
            data = "; ".join(f"{k}={v}" for k, v in sorted((entry.data or {}).items()))
            writer.writerow(
                [
                    entry.id,
                    entry.created_at.isoformat(),
                    safe_cell(entry.actor.name if entry.actor else "system"),
                    entry.action,
                    entry.target_type,
                    entry.target_id if entry.target_id is not None else "",
                    safe_cell(entry.reason),
                    safe_cell(data),
                ]
            )
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    return lines()
