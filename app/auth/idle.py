"""Ending sessions after an idle time the admins set (Admin → Settings), on every page request."""

import time

from flask import Flask, abort, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from app.errors import wants_json
from app.site_settings import get_setting

DEFAULT_IDLE_MINUTES = 480
IDLE_RANGE = (10, 1440)
_SEEN = "seen_at"
# The setting is read at most every 30 s per process, not once per request.
_cache: dict[str, tuple[float, int]] = {}


def idle_minutes() -> int:
    """Minutes without activity after which a session ends."""
    now = time.monotonic()
    cached = _cache.get("minutes")
    if cached is None or cached[0] < now:
        value = get_setting("session_idle_minutes")
        minutes = int(value) if value.isdigit() else DEFAULT_IDLE_MINUTES
        _cache["minutes"] = cached = (now + 30, minutes)
    return cached[1]


def forget_cached_setting() -> None:
    """Drop the cached value (after an admin changes it)."""
    _cache.clear()


def _is_background() -> bool:
    # Live updates fetch cards on their own: an open tab is not activity.
    return request.method == "GET" and request.headers.get("X-Requested-With") == "fetch"


def end_idle_session():
    """Sign out a session idle for longer than the limit; otherwise note this request as activity."""
    if request.endpoint in (None, "static") or request.path.startswith("/api/"):
        return None
    if not current_user.is_authenticated:
        return None
    now, seen, limit = int(time.time()), session.get(_SEEN), idle_minutes()
    if isinstance(seen, int) and now - seen > limit * 60:
        logout_user()  # also clears remember-me and, through its signal, this browser's sockets
        session.clear()
        if wants_json() or request.headers.get("X-Requested-With") == "fetch":
            abort(401)
        flash(f"You were signed out after {limit} minutes without activity. Please sign in again.", "info")
        return redirect(url_for("auth.login", next=request.path))
    if not _is_background() and (not isinstance(seen, int) or now - seen >= 60):
        session[_SEEN] = now
    return None


def init_app(app: Flask) -> None:
    """Check idle time before every request (after sign-in is known, before the view runs)."""
    app.before_request(end_idle_session)
