"""Retention rules: how long each kind of record is kept, what expiry does, and applying it in batches.

Nothing a legal hold covers is touched, nor anything a feature's keep rule protects (moderation
evidence). The job that runs it nightly, and records each run, is app/governance/retention_job.py.
"""

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, func, not_, or_, select, tuple_

from app import audit
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.governance import clock
from app.governance.holds import active_holds, covers
from app.governance.registry import RETENTION, RetentionKind, keep_rules
from app.models import RETENTION_UNITS, AuditEntry, LegalHold, RetentionRule, User
from app.permissions import is_admin

MAXIMUM = {"days": 36500, "months": 1200, "years": 100}
UNIT_LABELS = {"days": ("day", "days"), "months": ("month", "months"), "years": ("year", "years")}


def rules() -> dict[str, RetentionRule]:
    """Every stored rule by kind (kinds without a row are kept indefinitely)."""
    return {rule.kind: rule for rule in db.session.scalars(select(RetentionRule))}


def describe(rule: RetentionRule | None) -> str:
    """ "6 years", or "Kept until you set a period"."""
    if rule is None or rule.keep_amount is None:
        return "Kept until you set a period"
    one, many = UNIT_LABELS.get(rule.keep_unit, ("day", "days"))
    return f"{rule.keep_amount:,} {one if rule.keep_amount == 1 else many}"


def cutoff(now: datetime, amount: int, unit: str) -> datetime:
    """The moment `amount unit` before now, on the calendar (6 years before 29 Feb is 28 Feb)."""
    if unit == "days":
        return now - timedelta(days=amount)
    months = amount * (12 if unit == "years" else 1)
    total = now.year * 12 + now.month - 1 - months
    year, month = divmod(total, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def _parse_rule(kind: RetentionKind, amount: str, unit: str, action: str, errors: dict) -> tuple:
    amount, unit, action = (amount or "").strip(), (unit or "years").strip(), (action or "delete").strip()
    if unit not in RETENTION_UNITS:
        errors[f"unit_{kind.key}"] = "Choose days, months or years."
    if action not in kind.actions:
        errors[f"action_{kind.key}"] = f"Choose one of: {', '.join(kind.actions)}."
    if not amount:
        return None, unit, action
    if not amount.isascii() or not amount.isdigit() or len(amount) > 6:
        errors[f"amount_{kind.key}"] = "Enter a whole number, or leave it empty to keep these records."
        return None, unit, action
    value = int(amount)
    if unit in MAXIMUM and not 1 <= value <= MAXIMUM[unit]:
        errors[f"amount_{kind.key}"] = f"Enter a number from 1 to {MAXIMUM[unit]:,}."
    return value, unit, action


def set_rules(admin: User, form: dict[str, str]) -> list[str]:
    """Save every kind's period and action from the admin form (amount_<kind>, unit_<kind>,
    action_<kind>); audits each change and returns the kinds that changed."""
    if not is_admin(admin):
        raise PermissionDenied("Only admins can set retention periods.")
    errors: dict[str, str] = {}
    wanted = {
        key: _parse_rule(
            kind,
            form.get(f"amount_{key}", ""),
            form.get(f"unit_{key}", ""),
            form.get(f"action_{key}", ""),
            errors,
        )
        for key, kind in RETENTION.items()
    }
    if errors:
        raise ValidationError(errors)
    stored, changed = rules(), []
    for key, (amount, unit, action) in wanted.items():
        rule = stored.get(key)
        before = (rule.keep_amount, rule.keep_unit, rule.action) if rule else (None, "years", "delete")
        after = (amount, unit if amount is not None else before[1], action)
        if before == after:
            continue
        if rule is None:
            rule = RetentionRule(kind=key)
            db.session.add(rule)
        rule.keep_amount, rule.keep_unit, rule.action = after
        rule.updated_by_id, rule.updated_at = admin.id, clock.now()
        changed.append(key)
        audit.record(
            admin,
            "retention.rule_changed",
            "retention_rule",
            None,
            kind=key,
            before=describe_values(*before),
            after=describe_values(*after),
        )
    db.session.flush()
    return changed


def describe_values(amount: int | None, unit: str, action: str) -> str:
    """A rule's values in words, for the audit log: "6 years, then delete"."""
    if amount is None:
        return "kept indefinitely"
    return f"{describe(RetentionRule(keep_amount=amount, keep_unit=unit))}, then {action}"


@dataclass
class Due:
    """What a rule would touch now: rows past the period, and those a hold keeps."""

    kind: RetentionKind
    rule: RetentionRule
    cutoff: datetime
    stmt: Select
    held: object


def due(kind: RetentionKind, rule: RetentionRule, now: datetime, holds: list[LegalHold]) -> Due | None:
    """The ids past the period that may be changed (not held, not kept, not already anonymised)."""
    if rule.keep_amount is None:
        return None
    cut = cutoff(now, rule.keep_amount, rule.keep_unit)
    stmt = select(*kind.key_columns).where(kind.timestamp < cut)
    if kind.where is not None:
        stmt = stmt.where(kind.where)
    if rule.action == "anonymise" and kind.anonymised is not None:
        stmt = stmt.where(not_(kind.anonymised()))
    for keep in keep_rules(kind.key):
        stmt = stmt.where(not_(keep()))
    held = covers(holds, people=kind.people, community=kind.community, created=kind.created or kind.timestamp)
    if kind.held_also is not None and holds:
        held = or_(held, kind.held_also(holds))
    return Due(kind, rule, cut, stmt, held)


def count_due(item: Due) -> tuple[int, int]:
    """(how many would be changed now, how many past the period a hold keeps)."""
    ready = db.session.scalar(select(func.count()).select_from(item.stmt.where(not_(item.held)).subquery()))
    kept = db.session.scalar(select(func.count()).select_from(item.stmt.where(item.held).subquery()))
    return ready or 0, kept or 0


def apply_batch(item: Due, size: int) -> int:
    """Remove or anonymise up to `size` rows that are due (flushes; the caller commits)."""
    kind = item.kind
    columns = kind.key_columns
    rows = db.session.execute(item.stmt.where(not_(item.held)).order_by(*columns).limit(size)).all()
    if not rows:
        return 0
    ids = [row[0] for row in rows] if len(columns) == 1 else [tuple(row) for row in rows]
    if item.rule.action == "anonymise" and kind.anonymise is not None:
        kind.anonymise(ids)
    elif kind.remove is not None:
        kind.remove(ids)
    else:
        db.session.execute(
            delete(kind.model)
            .where(tuple_(*columns).in_(ids) if len(columns) > 1 else columns[0].in_(ids))
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
    return len(ids)


def preview(now: datetime | None = None) -> dict[str, tuple[int, int]]:
    """For the admin page: per kind with a period, (due now, kept by a hold)."""
    now = now or clock.now()
    holds = active_holds()
    stored = rules()
    result = {}
    for key, kind in RETENTION.items():
        rule = stored.get(key)
        item = due(kind, rule, now, holds) if rule else None
        if item is not None:
            result[key] = count_due(item)
    return result


def recent_runs(limit: int = 5) -> list[AuditEntry]:
    """The latest retention runs, from the audit log."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "retention.ran")
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
    )
