"""People services: profiles, the staff directory, units as choices, and keyset pages of people."""

import base64
import binascii
import json

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import joinedload

from app import events
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.forms import MAX_ID, clean_text, parse_id
from app.models import STAFF_TYPES, Community, Membership, Unit, User
from app.permissions import listed_communities

PAGE_SIZE = 25
MAX_QUERY = 100


def find_unit(raw: int | str | None, field: str = "unit_id") -> Unit | None:
    """The unit a form or API value names; None when left blank; a field error for anything else."""
    if raw is None or raw == "":
        return None
    unit_id = parse_id(raw)
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        raise ValidationError({field: "Choose a unit from the list."})
    return unit


def unit_paths(units: list[Unit]) -> dict[int, str]:
    """Each unit's full name from the top, e.g. "Operations › Response North"."""
    by_id = {u.id: u for u in units}
    paths: dict[int, str] = {}
    for unit in units:
        names, seen, current = [], set(), unit
        while current is not None and current.id not in seen:
            seen.add(current.id)
            names.append(current.name)
            current = by_id.get(current.parent_id) if current.parent_id else None
        paths[unit.id] = " › ".join(reversed(names))
    return paths


def unit_choices() -> list[tuple[int, str]]:
    """Every unit as (id, full name) for selects, in tree order."""
    units = list(db.session.scalars(select(Unit)))
    paths = unit_paths(units)
    return sorted(paths.items(), key=lambda item: item[1].lower())


def get_person(user_id: int) -> User:
    """The person with this id (former members included); NotFound if there is no such account, or
    it was erased (nothing about them is left to show)."""
    user = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None or user.is_erased or (user.email_confirmed_at is None and not user.is_deactivated):
        raise NotFound("We couldn't find that person.")
    return user


def profile_communities(viewer: User, person: User) -> list[Community]:
    """The person's communities that the viewer may know exist (never a secret one they aren't in)."""
    stmt = (
        listed_communities(viewer)
        .join(Membership, Membership.community_id == Community.id)
        .where(Membership.user_id == person.id)
        .order_by(Community.is_all_staff.desc(), Community.name)
    )
    return list(db.session.scalars(stmt))


def update_profile(
    user: User,
    *,
    name: str,
    job_title: str = "",
    unit_id: int | str | None = None,
    staff_type: str = "civilian",
    bio: str = "",
) -> User:
    """Change one's own name, job title, unit, staff type and bio (all validated first)."""
    from app.auth.services import check_name

    name, job_title, bio = clean_text(name), clean_text(job_title), clean_text(bio, multiline=True)
    errors = check_name(name)
    if len(job_title) > 120:
        errors["job_title"] = "Use at most 120 characters."
    if staff_type not in STAFF_TYPES:
        errors["staff_type"] = "Choose a staff type from the list."
    if len(bio) > 1000:
        errors["bio"] = f"Use at most 1,000 characters (you have {len(bio):,})."
    unit = None
    try:
        unit = find_unit(unit_id)
    except ValidationError as exc:
        errors |= exc.fields
    if errors:
        raise ValidationError(errors)
    user.name, user.job_title, user.unit, user.staff_type, user.bio = name, job_title, unit, staff_type, bio
    db.session.flush()
    events.record("user_updated", actor=user, id=user.id)
    return user


def unit_and_descendant_ids(unit: Unit) -> Select:
    """Ids of the unit and every unit below it (a recursive query, so no loop of queries)."""
    tree = select(Unit.id).where(Unit.id == unit.id).cte("unit_tree", recursive=True)
    tree = tree.union_all(select(Unit.id).join(tree, Unit.parent_id == tree.c.id))
    return select(tree.c.id)


def with_units(stmt: Select[tuple[User]]) -> Select[tuple[User]]:
    """Load each person's unit and its parent in the same query (a list shows both)."""
    return stmt.options(joinedload(User.unit).joinedload(Unit.parent))


def directory(q: str = "", unit_id: int | str | None = None, staff_type: str = "") -> Select[tuple[User]]:
    """Active people matching the text (name or job title), unit (sub-units included) and staff type."""
    q = clean_text(q)
    errors: dict[str, str] = {}
    if len(q) > MAX_QUERY:
        errors["q"] = f"Use at most {MAX_QUERY} characters."
    if staff_type and staff_type not in STAFF_TYPES:
        errors["staff_type"] = "Choose a staff type from the list."
    unit = None
    try:
        unit = find_unit(unit_id)
    except ValidationError as exc:
        errors |= exc.fields
    if errors:
        raise ValidationError(errors, "Those filters can't be used. Please check them.")
    stmt = with_units(select(User)).where(User.deactivated_at.is_(None), User.email_confirmed_at.is_not(None))
    if q:
        stmt = stmt.where(
            or_(User.name.icontains(q, autoescape=True), User.job_title.icontains(q, autoescape=True))
        )
    if unit is not None:
        stmt = stmt.where(User.unit_id.in_(unit_and_descendant_ids(unit)))
    if staff_type:
        stmt = stmt.where(User.staff_type == staff_type)
    return stmt.order_by(User.name, User.id)


def encode_cursor(user: User) -> str:
    """The opaque cursor that continues a name-ordered list after this person."""
    raw = json.dumps([user.name, user.id], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, int]:
    broken = ValidationError(
        {"cursor": "That page link is broken."}, "That page link is broken. Start again from the first page."
    )
    try:
        name, user_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise broken from exc
    if not isinstance(name, str) or len(name) > 120 or parse_id(user_id) is None:
        raise broken
    return name, user_id


def people_page(
    stmt: Select[tuple[User]], cursor: str | None = None, limit: int = PAGE_SIZE
) -> tuple[list[User], str | None]:
    """One page of a (name, id)-ordered query of people, and the cursor for the next page."""
    if cursor:
        name, user_id = _decode_cursor(cursor)
        stmt = stmt.where(or_(User.name > name, and_(User.name == name, User.id > user_id)))
    rows = list(db.session.scalars(stmt.limit(limit + 1)))
    if len(rows) > limit:
        return rows[:limit], encode_cursor(rows[limit - 1])
    return rows, None
