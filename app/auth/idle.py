"""Ending sessions after an idle time the admins set (Admin → Settings), on every page request."""

import time

from flask import Flask, abort, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from app.errors import wants_json
from app.site_settings import get_setting

DEFAULT_IDLE_MINUTES = 480
IDLE_RANGE = (10, 1440)
_SEEN = "seen_at"


def idle_minutes() -> int:
    """Minutes without activity after which a session ends."""
    value = get_setting("session_idle_minutes")
    return int(value) if value.isdigit() else DEFAULT_IDLE_MINUTES


def _is_background() -> bool:
    # Live updates fetch cards on their own: an open tab is not activity.
    return request.method == "GET" and request.headers.get("X-Requested-With") == "fetch"


def end_idle_session():
    """Sign out a session idle for longer than the limit; otherwise note this request as activity."""
    # /healthz is a probe: it answers JSON whatever the database's state, so it loads nobody.
    if request.endpoint in (None, "static", "main.healthz") or request.path.startswith("/api/"):
        return None
    if not current_user.is_authenticated:
        return None
    now, seen = int(time.time()), session.get(_SEEN)
    # The setting is only read for a gap longer than the shortest limit allowed: an active person's
    # requests never query it (and page query counts stay constant).
    idle_for = now - seen if isinstance(seen, int) else 0
    limit = idle_minutes() if idle_for > IDLE_RANGE[0] * 60 else None
    if limit is not None and idle_for > limit * 60:
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
