"""Digest periods: their keys, the window each looks back over, and when the jobs worker sends them.

Keys are in the organisation's time zone ("weekly:2026-W49", "daily:2026-12-01"), so a send is
idempotent per person and period whatever the server's clock zone.
"""

from datetime import datetime, timedelta

from flask import current_app

from app.learning import clock
from app.models import utcnow

PERIODS = ("weekly", "daily")
WINDOWS = {"weekly": timedelta(days=7), "daily": timedelta(days=1)}
UPCOMING = timedelta(days=14)  # sessions starting within this are "upcoming"


def now() -> datetime:
    """The current time (UTC). Call it as periods.now() so tests can replace it."""
    return utcnow()


def period_key(period: str, at: datetime) -> str:
    """The key of the period containing `at`, e.g. "weekly:2026-W49"."""
    local = clock.local(at)
    if period == "weekly":
        year, week, _ = local.isocalendar()
        return f"weekly:{year}-W{week:02d}"
    return f"daily:{local.date().isoformat()}"


def window_start(period: str, at: datetime) -> datetime:
    """How far back a digest for this period looks for new things."""
    return at - WINDOWS[period]


def is_due(period: str, at: datetime) -> bool:
    """Whether the jobs worker should send this period's digest now (from the send hour on; the weekly
    one from its weekday, so a worker that was down sends at its next pass that week)."""
    local = clock.local(at)
    hour = current_app.config["DIGEST_SEND_HOUR"]
    if period == "daily":
        return local.hour >= hour
    weekday = current_app.config["DIGEST_WEEKDAY"]
    return local.weekday() > weekday or (local.weekday() == weekday and local.hour >= hour)
