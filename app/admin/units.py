"""Admin services for units: create, rename, move under a parent (no cycles) and delete when empty."""

from sqlalchemy import case, func, select

from app import audit, events
from app.admin.services import require_admin
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.forms import MAX_ID, clean_text
from app.models import Unit, User
from app.people.services import find_unit, unit_paths


def get_unit(unit_id: int) -> Unit:
    """The unit with this id, or NotFound."""
    unit = db.session.get(Unit, unit_id) if 0 < unit_id <= MAX_ID else None
    if unit is None:
        raise NotFound("We couldn't find that unit.")
    return unit


def units_overview() -> list[dict]:
    """Every unit in tree order with its full name and people counts (one query, no N+1)."""
    counts = (
        select(
            User.unit_id,
            func.count().label("people"),
            func.sum(case((User.deactivated_at.is_(None), 1), else_=0)).label("active"),
        )
        .where(User.unit_id.is_not(None))
        .group_by(User.unit_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Unit, counts.c.people, counts.c.active).outerjoin(counts, counts.c.unit_id == Unit.id)
    ).all()
    paths = unit_paths([unit for unit, _, _ in rows])
    children = {unit.parent_id for unit, _, _ in rows if unit.parent_id}
    listing = [
        {
            "unit": unit,
            "path": paths[unit.id],
            "depth": paths[unit.id].count(" › "),
            "people": people or 0,
            "active": active or 0,
            "has_children": unit.id in children,
        }
        for unit, people, active in rows
    ]
    return sorted(listing, key=lambda row: row["path"].lower())


def descendant_ids(unit: Unit) -> set[int]:
    """Ids of every unit below this one."""
    parents = dict(db.session.execute(select(Unit.id, Unit.parent_id)).all())
    below: set[int] = set()
    frontier = {unit.id}
    while frontier:
        frontier = {uid for uid, parent in parents.items() if parent in frontier} - below
        below |= frontier
    return below


def _check(name: str, parent_id: int | str | None, unit: Unit | None = None) -> tuple[dict, Unit | None]:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the unit a name."
    elif len(name) > 120:
        errors["name"] = "Use at most 120 characters."
    else:
        clash = select(Unit.id).where(func.lower(Unit.name) == name.lower())
        if unit is not None:
            clash = clash.where(Unit.id != unit.id)
        if db.session.scalar(clash) is not None:
            errors["name"] = "A unit with this name already exists."
    parent = None
    try:
        parent = find_unit(parent_id, "parent_id")
    except ValidationError as exc:
        errors |= exc.fields
    if parent is not None and unit is not None:
        if parent.id == unit.id:
            errors["parent_id"] = "A unit can't be its own parent."
        elif parent.id in descendant_ids(unit):
            errors["parent_id"] = f"{parent.name} is inside {unit.name}, so it can't also be above it."
    return errors, parent


def create_unit(admin: User, name: str, parent_id: int | str | None = None) -> Unit:
    """Add a unit, optionally under a parent unit."""
    require_admin(admin)
    name = clean_text(name)
    errors, parent = _check(name, parent_id)
    if errors:
        raise ValidationError(errors)
    unit = Unit(name=name, parent=parent)
    db.session.add(unit)
    db.session.flush()
    audit.record(admin, "unit.created", "unit", unit.id, name=name, parent_id=unit.parent_id)
    return unit


def update_unit(admin: User, unit: Unit, name: str, parent_id: int | str | None = None) -> None:
    """Rename a unit or move it under another (never under itself or one of its own sub-units)."""
    require_admin(admin)
    name = clean_text(name)
    errors, parent = _check(name, parent_id, unit)
    if errors:
        raise ValidationError(errors)
    before = {"name": unit.name, "parent_id": unit.parent_id}
    unit.name, unit.parent = name, parent
    db.session.flush()
    audit.record(
        admin,
        "unit.updated",
        "unit",
        unit.id,
        before=before,
        after={"name": name, "parent_id": unit.parent_id},
    )
    events.record("unit_updated", actor=admin, unit_id=unit.id)


def delete_unit(admin: User, unit: Unit) -> None:
    """Delete a unit nobody active is in and that has no sub-units (former members just lose it)."""
    require_admin(admin)
    active = (
        db.session.scalar(select(func.count()).where(User.unit_id == unit.id, User.deactivated_at.is_(None)))
        or 0
    )
    if active:
        people = "1 person is" if active == 1 else f"{active} people are"
        raise ValidationError(
            {
                "unit": f"{people} still in {unit.name}. Ask them to choose another unit "
                "on their profile, then delete it."
            }
        )
    if db.session.scalar(select(Unit.id).where(Unit.parent_id == unit.id).limit(1)) is not None:
        raise ValidationError({"unit": f"{unit.name} has sub-units. Move or delete them first."})
    audit.record(admin, "unit.deleted", "unit", unit.id, name=unit.name)
    db.session.delete(unit)
    db.session.flush()
