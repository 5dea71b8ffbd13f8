"""Who a socket speaks for: a browser's signed-in session (with its per-sign-in key) or an API token."""

import secrets

from flask import session
from sqlalchemy.orm import Session

from app.api.tokens import token_for
from app.extensions import db
from app.models import User

# Random per browser sign-in, kept in the Flask session: signing out cuts only that browser's sockets.
SESSION_KEY = "rt_key"


def new_browser_key() -> None:
    """Give this browser's session a fresh realtime key (at every sign-in)."""
    session[SESSION_KEY] = secrets.token_hex(16)


def on_signed_in(_sender, **_extra) -> None:
    """flask_login's user_logged_in signal: a new sign-in gets a new key."""
    new_browser_key()


def ensure_browser_key() -> None:
    """A signed-in session without a key (remember-me restores, sessions older than keys) gets one."""
    if "_user_id" in session and SESSION_KEY not in session:
        new_browser_key()


def token_key(token_hash: str) -> str:
    """The session key of sockets opened with a token, so revoking the token can cut them."""
    return "t:" + token_hash[:30]


def token_user(plaintext: str) -> tuple[User, str] | None:
    """The active owner of a live API token (app/api's rules), with the token's key; else None."""
    db.session.rollback()  # a fresh transaction, so a re-check sees revocations committed since
    token = token_for(plaintext)
    return (token.user, token_key(token.token_hash)) if token is not None else None


def session_user(db_session: Session) -> tuple[User, str] | None:
    """The active person this browser is signed in as (the rules of auth.load_user), with its key."""
    identity, key = session.get("_user_id"), session.get(SESSION_KEY)
    if not isinstance(identity, str) or not isinstance(key, str):
        return None
    user_id, _, version = identity.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db_session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user, key


def identify(auth: dict) -> tuple[User, str] | None:
    """(person, session key) for `auth={"token": ...}` or else the session cookie; None if neither is valid."""
    if "token" in auth:
        token = auth["token"]
        return token_user(token) if isinstance(token, str) else None
    with Session(bind=db.engine, expire_on_commit=False) as db_session:
        return session_user(db_session)
