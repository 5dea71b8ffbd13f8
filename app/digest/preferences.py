"""Digest preferences (off / daily / weekly, muted communities) and the signed unsubscribe link."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import Select, func, select

from app.errors import ValidationError
from app.extensions import db
from app.models import DIGEST_FREQUENCIES, Community, DigestPreference, Membership, User, utcnow
from app.tokens import make_token, read_token

TOKEN_PURPOSE = "digest-unsubscribe"
LABELS = {
    "weekly": "Weekly, on Monday morning",
    "daily": "Daily, each morning",
    "off": "Off: no digest emails",
}


def default_frequency() -> str:
    """What people who never chose get (DIGEST_DEFAULT_FREQUENCY; "off" unless set)."""
    value = current_app.config.get("DIGEST_DEFAULT_FREQUENCY", "off")
    return value if value in DIGEST_FREQUENCIES else "off"


def preference_for(user: User) -> DigestPreference:
    """The person's row, or an unsaved one with the defaults."""
    row = db.session.get(DigestPreference, user.id)
    return row or DigestPreference(user_id=user.id, frequency=default_frequency(), muted_community_ids=[])


def member_communities(user: User) -> list[Community]:
    """The communities the person belongs to (what a digest draws conversations from), by name."""
    return list(
        db.session.scalars(
            select(Community)
            .join(Membership, Membership.community_id == Community.id)
            .where(Membership.user_id == user.id, Community.archived_at.is_(None))
            .order_by(Community.is_all_staff.desc(), func.lower(Community.name))
        )
    )


def save_preferences(user: User, frequency: str, muted_ids: list[int]) -> DigestPreference:
    """Save how often the person gets the digest and which of their communities it leaves out."""
    if frequency not in DIGEST_FREQUENCIES:
        raise ValidationError({"frequency": "Choose weekly, daily or off."})
    mine = {c.id for c in member_communities(user)}
    row = db.session.get(DigestPreference, user.id)
    if row is None:
        row = DigestPreference(user_id=user.id)
        db.session.add(row)
    row.frequency = frequency
    row.muted_community_ids = sorted(set(muted_ids) & mine)  # never someone else's community ids
    row.updated_at = utcnow()
    db.session.flush()
    return row


def recipients(period: str) -> Select[tuple[User, DigestPreference | None]]:
    """Active, confirmed people whose choice (or the default) is this period, with their row."""
    chosen = DigestPreference.frequency == period
    wanted = chosen if default_frequency() != period else (chosen | DigestPreference.user_id.is_(None))
    return (
        select(User, DigestPreference)
        .outerjoin(DigestPreference, DigestPreference.user_id == User.id)
        .where(
            User.deactivated_at.is_(None),
            User.email_confirmed_at.is_not(None),
            User.erased_at.is_(None),
            wanted,
        )
        .order_by(User.id)
    )


def unsubscribe_token(user: User) -> str:
    """A signed token that turns this person's digest off, for the emailed link."""
    return make_token(TOKEN_PURPOSE, {"u": user.id})


def read_unsubscribe_token(token: str) -> tuple[User | None, str]:
    """The person a token names and "ok", or None and why not ("invalid" or "expired")."""
    max_age = timedelta(days=current_app.config["DIGEST_UNSUBSCRIBE_DAYS"])
    payload = read_token(TOKEN_PURPOSE, token, max_age)
    if payload is None:
        # Tell an expired link from a forged one: the signature checks out without the age limit.
        return None, "expired" if read_token(TOKEN_PURPOSE, token, timedelta(days=36500)) else "invalid"
    user = db.session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    if user is None:
        return None, "invalid"
    return user, "ok"


def unsubscribe(user: User) -> DigestPreference:
    """Turn the person's digest off (their muted communities are kept for when they turn it back on)."""
    row = preference_for(user)
    return save_preferences(user, "off", list(row.muted_community_ids or []))
