"""Personal access tokens: create (shown once), revoke, and find the person a bearer token names."""

import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app import events
from app.db import write_intent, writing
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.forms import clean_text, parse_id
from app.models import TOKEN_SCOPES, ApiToken, User, utcnow

TOKEN_PREFIX = "rc_"
_TOKEN_RE = re.compile(r"rc_[A-Za-z0-9_-]{43}")  # the prefix and secrets.token_urlsafe(32)
MAX_NAME = 80
MAX_ACTIVE_TOKENS = 20
# last_used_at is written at most this often, so reading the API is not a write per request.
TOUCH_INTERVAL = timedelta(minutes=1)


def hash_token(plaintext: str) -> str:
    """The SHA-256 (hex) of a token: the only form in which it is stored."""
    return hashlib.sha256(plaintext.encode("utf-8", "surrogatepass")).hexdigest()


def well_formed(plaintext: str) -> bool:
    """Whether the text could be a token at all (checked before any database lookup)."""
    return bool(_TOKEN_RE.fullmatch(plaintext))


def tokens_for(user: User) -> Select[tuple[ApiToken]]:
    """The person's tokens, active ones first, newest first."""
    return (
        select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
    )


def active_token_count(user: User) -> int:
    """How many unrevoked tokens the person has."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        )
        or 0
    )


def create_token(user: User, name: str, scope: str = "read") -> tuple[ApiToken, str]:
    """Make a named, scoped token for the person; returns the row and the plaintext (shown once)."""
    name = clean_text(name if isinstance(name, str) else "")
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Name the token after what will use it, e.g. “Rota sync script”."
    elif len(name) > MAX_NAME:
        errors["name"] = f"Use at most {MAX_NAME} characters (you have {len(name)})."
    if scope not in TOKEN_SCOPES:
        errors["scope"] = "Choose read or write."
    if not user.is_active:
        errors["user"] = "Only active people can have tokens."
    if not errors and active_token_count(user) >= MAX_ACTIVE_TOKENS:
        errors["name"] = f"You already have {MAX_ACTIVE_TOKENS} active tokens: revoke one you no longer use."
    if errors:
        raise ValidationError(errors)
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name, token_hash=hash_token(plaintext), prefix=plaintext[:8], scope=scope
    )
    db.session.add(token)
    db.session.flush()
    return token, plaintext


def revoke_token(user: User, token_id: int | str) -> ApiToken:
    """Revoke one of the person's own tokens (revoking twice is harmless)."""
    token_id = parse_id(token_id)
    token = db.session.get(ApiToken, token_id) if token_id else None
    if token is None or token.user_id != user.id:
        raise NotFound("We couldn't find that token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        # Live sockets opened with this token are cut after commit (app/realtime).
        events.record("user_updated", actor=user, user_id=user.id, token_revoked=token.id)
    return token


def token_for(plaintext: str | None) -> ApiToken | None:
    """The live token with this plaintext: not revoked, and its owner still active."""
    if not isinstance(plaintext, str) or not well_formed(plaintext):
        return None
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(plaintext), ApiToken.revoked_at.is_(None))
    )
    if token is None or not token.user.is_active:
        return None
    _touch(token)
    return token


def user_for_token(plaintext: str | None) -> User | None:
    """The active person a live token belongs to, or None."""
    token = token_for(plaintext)
    return token.user if token else None


def _touch(token: ApiToken) -> None:
    """Record use at most once a minute.

    A request that writes already holds the write lock (BEGIN IMMEDIATE), so the update joins its
    transaction. A read-only request's transaction must stay read-only (SQLite can't upgrade it
    safely), so the update runs in its own short write transaction on another connection.
    """
    now = utcnow()
    cutoff = now - TOUCH_INTERVAL
    if token.last_used_at is not None and token.last_used_at > cutoff:
        return
    stmt = (
        update(ApiToken)
        .where(ApiToken.id == token.id, or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < cutoff))
        .values(last_used_at=now)
    )
    if write_intent.get():
        db.session.execute(stmt)
    else:
        with writing(), db.engine.begin() as conn:
            conn.execute(stmt)
    # Show the new value without marking the row dirty (the request must not write it again).
    set_committed_value(token, "last_used_at", now)
