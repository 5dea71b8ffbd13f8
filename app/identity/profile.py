"""Unit, job title and staff type from an authoritative source (the provider's claims, the HR roster)."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import STAFF_TYPES, Unit, User


def unit_named(name: str) -> Unit | None:
    """The unit with this name (any case). Units are never invented from a claim or a roster line: a
    typo would otherwise become a unit, and people would be filed under it."""
    return db.session.scalar(select(Unit).where(func.lower(Unit.name) == name.lower()))


def profile_changes(
    user: User,
    unit: str | None,
    job_title: str | None,
    staff_type: str | None = None,
    units: dict[str, Unit] | None = None,
) -> dict:
    """What would change (nothing is changed): `unit` (a Unit), `job_title`, `staff_type`, and
    `unknown_unit` when the named unit doesn't exist here (the person's unit is then left alone).
    A missing or empty value says nothing, so it changes nothing. `units` (lower-cased name → Unit)
    saves a query per person when many are compared at once."""
    changes: dict = {}
    if unit:
        match = units.get(unit.lower()) if units is not None else unit_named(unit)
        if match is None:
            changes["unknown_unit"] = unit
        elif user.unit_id != match.id:
            changes["unit"] = match
    if job_title and job_title != user.job_title:
        changes["job_title"] = job_title
    if staff_type in STAFF_TYPES and staff_type != user.staff_type:
        changes["staff_type"] = staff_type
    return changes


def apply_profile_changes(user: User, changes: dict) -> dict:
    """Carry out profile_changes(); returns them as plain values for the audit log."""
    for key in ("unit", "job_title", "staff_type"):
        if key in changes:
            setattr(user, key, changes[key])
    return {key: (value.name if isinstance(value, Unit) else value) for key, value in changes.items()}
