"""Bearer-token authentication for /api/: the only way in (never the browser's session cookie)."""

from flask import Flask, g, request
from flask_limiter.util import get_remote_address

from app.api.tokens import hash_token, token_for, well_formed
from app.errors import error_response
from app.extensions import login_manager
from app.models import User

API_PREFIX = "/api/"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_token(req=None) -> str | None:
    """The token in `Authorization: Bearer <token>`, if any."""
    scheme, _, value = (req or request).headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def user_from_request(req) -> User | None:
    """Flask-Login request loader: a live bearer token authenticates API requests only."""
    if not req.path.startswith(API_PREFIX):
        return None
    token = token_for(bearer_token(req))
    if token is None:
        return None
    g.api_token = token
    return token.user


def rate_limit_key() -> str:
    """Rate limits count per token (by its hash: no database needed), and anything else per address."""
    token = bearer_token()
    if token and well_formed(token):
        return "api-token:" + hash_token(token)
    return "api-addr:" + (get_remote_address() or "unknown")


def _authenticate_api_request():
    """Under /api/ the person comes from the bearer token alone, and read tokens only read.

    Setting Flask-Login's per-request user here means the session and remember-me cookies are
    never consulted for the API, so a page on another site can't ride a signed-in browser's
    cookie (the API is CSRF-exempt for that reason).
    """
    if not request.path.startswith(API_PREFIX):
        return None
    user = user_from_request(request)
    g._login_user = user if user is not None else login_manager.anonymous_user()
    token = g.get("api_token")
    if token is not None and token.scope != "write" and request.method not in READ_METHODS:
        return error_response(
            403,
            "read_only_token",
            "This token is read-only. Create a token with write scope to make changes.",
            {"scope": "This request needs a write token."},
        )
    return None


def init_app(app: Flask) -> None:
    """Install the request loader and the API authentication hook.

    Called while the API blueprint is registered, so the hook runs after the database marks the
    request's write intent and before enforce_route_access checks who is signed in.
    """
    login_manager.request_loader(user_from_request)
    app.before_request(_authenticate_api_request)
