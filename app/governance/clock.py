"""Time for retention, holds and exports: one replaceable clock (tests move it forward)."""

from datetime import datetime

from app.models import utcnow


def now() -> datetime:
    """The current time (UTC). Call it as clock.now() so tests can replace it."""
    return utcnow()
