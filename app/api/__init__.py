"""JSON API v1 under /api/v1/: bearer tokens only, CSRF-exempt, rate-limited per token.

A thin layer over the same services the web pages use. The personal access token pages
(/account/tokens) are a separate, CSRF-protected web blueprint wired in with this one.
"""

from flask import Blueprint, current_app, request
from flask.blueprints import BlueprintSetupState

from app.api import auth
from app.api.inputs import BadRequest
from app.errors import error_response
from app.extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # safe only because the API ignores cookies: see app.api.auth


def _rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


@bp.errorhandler(BadRequest)
def _bad_request(exc: BadRequest):
    return error_response(400, "bad_request", exc.message, exc.fields)


@bp.errorhandler(401)
def _unauthorized(_exc):
    message = (
        "That token isn't valid: it may have been revoked, or its owner has left."
        if request.headers.get("Authorization")
        else "Send a personal access token: Authorization: Bearer <token>."
    )
    response, status = error_response(401, "unauthorized", message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="rollcall"'
    return response, status


def _wire(state: BlueprintSetupState) -> None:
    """Install bearer authentication and the token pages when the API is registered on an app."""
    from app.api import account

    auth.init_app(state.app)
    state.app.register_blueprint(account.bp)


bp.record_once(_wire)


from app.api import (  # noqa: E402,F401
    attachments,
    communities,
    events,
    feeds,
    links,
    moderation,
    notifications,
    openapi,
    people,
    posts,
    proposals,
    questions,
    replies,
    search,
    sessions,
    updates,
)

limiter.limit(_rate_limit, key_func=auth.rate_limit_key)(bp)
