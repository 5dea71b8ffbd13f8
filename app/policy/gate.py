"""The gate after sign-in: nobody posts until they have accepted the current policy.

Write requests (and the composer pages) from someone who hasn't accepted the current version are
sent to the policy page, with a message, and brought back afterwards; the API answers 403
`policy_not_accepted`. Before the first version is published there is nothing to accept, so the
gate is open: an organisation switches it on by publishing its policy.
"""

from urllib.parse import urlsplit

from flask import Flask, flash, jsonify, redirect, request, url_for
from flask_login import current_user

from app.errors import error_response
from app.policy.services import last_accepted, needs_acceptance

# Blueprints that are never gated: signing in and out, passwords, the policy pages themselves and
# managing API tokens.
OPEN_BLUEPRINTS = frozenset({"auth", "policy", "api_tokens"})
# Writes that never wait for the policy: reading notifications and choosing which to get, and
# reporting or appealing (nobody should have to accept a policy before reporting a breach of it).
OPEN_ENDPOINTS = frozenset(
    {
        "notifications.mark_read",
        "notifications.settings",
        "digest.save_preferences",
        "digest.unsubscribe",
        "moderation.report",
        "moderation.appeal",
        "api.mark_read",
        "api.accept_policy",
        "api.create_report",
    }
)
# Pages that are only a way to write: gated on GET too.
COMPOSER_ENDPOINTS = frozenset({"posts.compose", "posts.edit", "posts.edit_reply"})
READS = frozenset({"GET", "HEAD", "OPTIONS"})


def _gated() -> bool:
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return False
    if request.blueprint in OPEN_BLUEPRINTS or endpoint in OPEN_ENDPOINTS:
        return False
    if request.method in READS and endpoint not in COMPOSER_ENDPOINTS:
        return False  # decided before loading the person: reads (and /healthz) never need the database here
    return current_user.is_authenticated and needs_acceptance(current_user)


def _come_back_to() -> str:
    """Where to return after accepting: the page itself for a GET, the page the form was on for a POST."""
    if request.method in READS:
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("main.home")


def message(user) -> str:
    """What the person is told, first time or after a new version."""
    if last_accepted(user) is None:
        return "Before you post, please read the acceptable use policy and accept it. It takes two minutes."
    return "The acceptable use policy has changed. Please read what's new and accept it before you post."


def policy_gate():
    """before_request: send people who haven't accepted the current policy to accept it first."""
    if not _gated():
        return None
    if request.path.startswith("/api/"):
        return error_response(
            403,
            "policy_not_accepted",
            message(current_user) + " Read it with GET /api/v1/policy, then POST /api/v1/policy/accept.",
            {"policy": "Accept the current acceptable use policy first."},
        )
    if request.headers.get("X-Requested-With") == "fetch":
        # posts.js falls back to a plain form submit on a 403, which the redirect below then answers.
        body = {"error": {"code": "policy_not_accepted", "message": message(current_user), "fields": {}}}
        return jsonify(body), 403
    flash(message(current_user), "info")
    return redirect(url_for("policy.show", next=_come_back_to()))


def init_app(app: Flask) -> None:
    """Install the gate after the API's bearer authentication (so current_user is the token's owner)."""
    app.before_request(policy_gate)

    @app.context_processor
    def _policy_context():
        def policy_pending() -> bool:
            return current_user.is_authenticated and needs_acceptance(current_user)

        return {"policy_pending": policy_pending}
