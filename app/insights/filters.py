"""The dashboard's filters: a date range and a unit (with the units inside it), or one community."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select, true

from app.errors import ValidationError
from app.extensions import db
from app.forms import optional_id
from app.models import Community, Unit, User, utcnow
from app.permissions import can_see_community
from app.permissions.updates import unit_descendants

DEFAULT_DAYS = 84  # twelve weeks
MAX_DAYS = 731


@dataclass(frozen=True)
class Filters:
    """What the dashboard shows: days start..end (inclusive), one unit's subtree, one community."""

    start: date
    end: date
    unit: Unit | None = None
    unit_ids: frozenset[int] | None = None
    community: Community | None = None

    def args(self) -> dict[str, str]:
        """The filters as query-string values (for links and CSV exports)."""
        values = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.unit is not None:
            values["unit"] = str(self.unit.id)
        if self.community is not None:
            values["community"] = str(self.community.id)
        return values

    @property
    def start_at(self) -> datetime:
        """The first moment of the range (UTC)."""
        return datetime.combine(self.start, time.min, UTC)

    @property
    def end_at(self) -> datetime:
        """The moment just after the range (UTC)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, UTC)


def monday(day: date) -> date:
    """The Monday of the day's week (weeks run Monday to Sunday)."""
    return day - timedelta(days=day.weekday())


def weeks(start: date, end: date) -> list[date]:
    """The Mondays of every week the range touches."""
    first, out = monday(start), []
    while first <= end:
        out.append(first)
        first += timedelta(days=7)
    return out


def _date(raw: str | None, field: str, default: date, errors: dict) -> date:
    raw = (raw or "").strip()
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[field] = "Use a date like 2027-03-31."
        return default


def parse_filters(args, viewer: User, today: date | None = None) -> Filters:
    """Filters from the query string; a field error for anything that can't be used."""
    today = today or utcnow().date()
    errors: dict[str, str] = {}
    end = _date(args.get("to"), "to", today, errors)
    start = _date(args.get("from"), "from", end - timedelta(days=DEFAULT_DAYS - 1), errors)
    if not errors:
        if start > end:
            errors["from"] = "The start date must be on or before the end date."
        elif (end - start).days >= MAX_DAYS:
            errors["from"] = "Choose a range of two years or less."
        elif not (2000 <= start.year and end.year <= 2100):
            errors["from"] = "Choose dates between 2000 and 2100."
    unit = community = None
    unit_ids = None
    try:
        unit_id = optional_id(args.get("unit"), "unit")
        community_id = optional_id(args.get("community"), "community")
    except ValidationError as exc:
        errors |= exc.fields
    else:
        if unit_id is not None:
            unit = db.session.get(Unit, unit_id)
            if unit is None:
                errors["unit"] = "Choose a unit from the list."
            else:
                unit_ids = frozenset(unit_descendants([unit.id]))
        if community_id is not None:
            community = db.session.get(Community, community_id)
            if community is None or not can_see_community(viewer, community):
                errors["community"] = "Choose a community from the list."
    if errors:
        raise ValidationError(errors, "Those filters can't be used. Please check them.")
    return Filters(start=start, end=end, unit=unit, unit_ids=unit_ids, community=community)


def unit_clause(filters: Filters):
    """SQL over User for the unit filter (true when there is none)."""
    return User.unit_id.in_(filters.unit_ids) if filters.unit_ids is not None else true()


def unit_members(filters: Filters) -> int:
    """How many active people are in the filtered units (for the privacy threshold)."""
    return (
        db.session.scalar(
            select(func.count()).where(
                User.deactivated_at.is_(None), User.email_confirmed_at.is_not(None), unit_clause(filters)
            )
        )
        or 0
    )
