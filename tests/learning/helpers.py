"""Helpers for the session tests: a controllable clock and sessions scheduled through the service."""

from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.learning import clock
from app.learning.services import SessionInput, schedule_session
from app.models import LearningSession, User, utcnow

# A Tuesday in winter (GMT) and one in summer (BST), both at 12:30 on a London wall clock.
WINTER_NOON = datetime(2026, 1, 13, 12, 30, tzinfo=UTC)
SUMMER_NOON = datetime(2026, 7, 14, 11, 30, tzinfo=UTC)


class Clock:
    """The time the learning package sees; tests move it."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def set(self, at: datetime) -> None:
        """Jump to a moment."""
        self.at = at

    def advance(self, **delta) -> None:
        """Move forward (hours=1, minutes=5, ...)."""
        self.at += timedelta(**delta)


def freeze(monkeypatch, at: datetime) -> Clock:
    """Replace the learning clock with one the test moves."""
    fake = Clock(at)
    monkeypatch.setattr(clock, "now", lambda: fake.at)
    return fake


def inputs(**overrides) -> SessionInput:
    """A valid session, an hour from 12:30 tomorrow (real time) unless told otherwise."""
    start = overrides.pop("starts_at", None) or (utcnow() + timedelta(days=1)).replace(microsecond=0)
    values = {
        "title": "Writing posts the public will share",
        "description": "How we write for **Facebook** and X. Bring a post you're proud of.",
        "starts_at": start,
        "ends_at": overrides.pop("ends_at", None) or start + timedelta(hours=1),
        "place": "Training room 2, HQ",
        "video_url": "",
        "capacity": None,
        "community_id": None,
        "host_ids": None,
    }
    values.update(overrides)
    return SessionInput(**values)


def schedule(app, organiser: User, **overrides) -> int:
    """Schedule a session through the service and commit; returns its id."""
    with app.app_context():
        row = schedule_session(db.session.get(User, organiser.id), inputs(**overrides))
        db.session.commit()
        return row.id


def get(session_id: int) -> LearningSession:
    """A session in the current context."""
    return db.session.get(LearningSession, session_id)
