"""Realtime: Socket.IO connect/auth, one room per person, pushing committed events, cutting access.

The only package that imports Socket.IO. Features record events (app/events.py); this package is a
subscriber that pushes them after commit.
"""

from flask import Flask, g, request, session
from flask_login import user_logged_in, user_logged_out
from sqlalchemy import func, select

from app import events
from app.extensions import db, socketio
from app.models import Event
from app.realtime.connections import cut_signed_out, on_connect, on_disconnect, on_signed_out
from app.realtime.identity import ensure_browser_key, on_signed_in, token_key
from app.realtime.push import push_events
from app.realtime.registry import cut_access

__all__ = ["cut_access", "init_app", "last_event_seq", "push_events", "token_key"]


def last_event_seq() -> int:
    """The newest seq, for `<body data-last-seq>`: read before the page's own queries (see below)."""
    if "realtime_seq" not in g:
        g.realtime_seq = db.session.scalar(select(func.max(Event.id))) or 0
    return g.realtime_seq


def _before_request() -> None:
    ensure_browser_key()
    # Take the seq before the view reads anything, so an event committed while the page renders is
    # replayed to it (and deduplicated) rather than lost between the page and the socket.
    if (
        request.method == "GET"
        and "_user_id" in session
        and request.endpoint not in (None, "static", "main.healthz")  # the probe answers JSON, DB or not
        and request.headers.get("X-Requested-With") != "fetch"
        and not request.path.startswith("/api/")
    ):
        last_event_seq()


def init_app(app: Flask) -> None:
    """Register the socket handlers, the sign-in and sign-out hooks, and the event pusher."""
    socketio.on("connect")(on_connect)
    socketio.on("disconnect")(on_disconnect)
    user_logged_in.connect(on_signed_in)
    user_logged_out.connect(on_signed_out)
    app.before_request(_before_request)
    app.teardown_request(cut_signed_out)
    app.jinja_env.globals["last_event_seq"] = last_event_seq
    events.subscribe(push_events)
