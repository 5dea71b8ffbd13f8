"""Time for sessions: one replaceable clock (tests move it), and the organisation's zone.

Times are stored in UTC; people type and read them in ORG_TIMEZONE (Europe/London by default),
so a 12:30 session is 12:30 on the wall in both GMT and BST.
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app

from app.errors import ValidationError
from app.models import utcnow


def now() -> datetime:
    """The current time (UTC). Call it as clock.now() so tests can replace it."""
    return utcnow()


def org_zone() -> ZoneInfo:
    """The organisation's time zone from ORG_TIMEZONE."""
    name = current_app.config.get("ORG_TIMEZONE") or "Europe/London"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RuntimeError(f"ORG_TIMEZONE {name!r} is not a time zone name like Europe/London") from exc


def local(value: datetime) -> datetime:
    """A UTC time on the organisation's wall clock."""
    return value.astimezone(org_zone())


def combine_local(day: date, at: time, field: str) -> datetime:
    """A wall-clock date and time in the organisation's zone, as UTC.

    A time the clocks skip (01:30 when BST starts) is refused; one they pass twice (01:30 when BST
    ends) means the first, summer-time one.
    """
    zone = org_zone()
    wall = datetime.combine(day, at, tzinfo=zone)
    instant = wall.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
        raise ValidationError({field: "That time doesn't exist on this date: the clocks go forward then."})
    return instant


def parse_date(raw: str | None, field: str) -> date:
    """A YYYY-MM-DD date from a form."""
    try:
        value = date.fromisoformat((raw or "").strip())
    except ValueError:
        raise ValidationError({field: "Enter a date, like 2026-03-24."}) from None
    if not 2000 <= value.year <= 2100:
        raise ValidationError({field: "Enter a date between 2000 and 2100."})
    return value


def parse_time(raw: str | None, field: str) -> time:
    """An HH:MM time from a form."""
    text = (raw or "").strip()
    try:
        if len(text) not in (4, 5, 8) or ":" not in text:
            raise ValueError
        value = time.fromisoformat(text.zfill(5) if len(text) == 4 else text)
    except ValueError:
        raise ValidationError({field: "Enter a time, like 12:30."}) from None
    return value.replace(second=0, microsecond=0)


def parse_instant(raw: object, field: str) -> datetime:
    """An ISO 8601 date-time from the API; without an offset it means the organisation's wall clock."""
    if not isinstance(raw, str) or not 10 <= len(raw) <= 40:
        raise ValidationError({field: "Send an ISO 8601 date-time, like 2026-03-24T12:30:00Z."})
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError({field: "Send an ISO 8601 date-time, like 2026-03-24T12:30:00Z."}) from None
    if not 2000 <= value.year <= 2100:
        raise ValidationError({field: "Send a date between 2000 and 2100."})
    if value.tzinfo is None:
        return combine_local(value.date(), value.time().replace(microsecond=0), field)
    return value.astimezone(UTC)
