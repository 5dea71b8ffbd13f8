"""Temporary lockout after repeated failed sign-ins, audited; the answer never reveals an account."""

from datetime import datetime

from flask import current_app
from sqlalchemy import delete

from app import audit
from app.extensions import db
from app.models import LoginThrottle, User, utcnow


def locked_until(email: str) -> datetime | None:
    """When the lockout on this address ends, if it is locked now."""
    row = db.session.get(LoginThrottle, email)
    if row is None or row.locked_until is None or row.locked_until <= utcnow():
        return None
    return row.locked_until


def record_failure(email: str, user: User | None) -> datetime | None:
    """Count a failed sign-in; lock the address when the threshold is reached (returns the end)."""
    if not email:
        return None
    now, config = utcnow(), current_app.config
    row = db.session.get(LoginThrottle, email)
    if row is None:
        row = LoginThrottle(email=email, failures=0)
        db.session.add(row)
    if row.first_failed_at is None or now - row.first_failed_at > config["LOCKOUT_WINDOW"]:
        row.failures, row.first_failed_at, row.locked_until = 0, now, None
    row.failures += 1
    if row.failures >= config["LOCKOUT_THRESHOLD"] and row.locked_until is None:
        row.locked_until = now + config["LOCKOUT_DURATION"]
        audit.record(
            None,
            "auth.locked_out",
            "user" if user else "",
            user.id if user else None,
            f"{row.failures} failed sign-ins in {config['LOCKOUT_WINDOW'].seconds // 60} minutes",
            email=email,
        )
    db.session.flush()
    return row.locked_until


def clear(email: str) -> None:
    """Forget failures for an address (after a successful sign-in or a password reset)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.email == email))
