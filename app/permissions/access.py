"""Route access levels: every endpoint declares one, and requests are refused by default."""

from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user

from app.permissions.roles import has_role

# "public": anyone, signed in or not; "signed_in": any active person;
# a role name: people holding that role (admins hold all).
ACCESS_LEVELS = ("public", "signed_in", "comms", "leader", "moderator", "admin")


def access(level: str) -> Callable:
    """Declare who may reach a view; enforced before the request by enforce_route_access."""
    if level not in ACCESS_LEVELS:
        raise ValueError(f"unknown access level {level!r}")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, **kwargs)

        wrapper.access_level = level  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _deny_anonymous():
    if request.path.startswith("/api/"):
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path if request.args else request.path))


def enforce_route_access(app: Flask) -> None:
    """Refuse every request whose endpoint has not declared an access level (fail closed)."""

    @app.before_request
    def _check_access():
        if request.endpoint is None or request.endpoint == "static":
            return None
        view = app.view_functions.get(request.endpoint)
        level = getattr(view, "access_level", None)
        if level is None:
            app.logger.error("Endpoint %s declares no access level", request.endpoint)
            abort(403)
        if level == "public":
            return None
        if not current_user.is_authenticated:
            return _deny_anonymous()
        if level == "signed_in" or has_role(current_user, level):
            return None
        abort(403)
