"""Socket.IO connections: refuse strangers, register every socket, catch up, cut access at once.

Sockets only push. The one inbound handler is connect (disconnect is bookkeeping): every write goes
over HTTP, where CSRF, rate limits and permissions apply.
"""

from flask import current_app, g, has_request_context, request, session
from flask_socketio import emit, join_room
from socketio.exceptions import ConnectionRefusedError as Refused
from sqlalchemy.orm import Session

from app.db import write_intent
from app.events import late_events, visible_events
from app.extensions import db
from app.models import User
from app.realtime.identity import SESSION_KEY, identify
from app.realtime.push import payload, room
from app.realtime.queue import queue_live
from app.realtime.registry import cut_access, register, unregister

# A client that missed more than this reloads the page instead of replaying events one by one.
CATCH_UP_LIMIT = 500
_SIGNED_OUT = "realtime_signed_out"


def same_origin() -> bool:
    """Browsers always send Origin; scripts may send none. Engine.IO checks too (cors_allowed_origins)."""
    origin = request.headers.get("Origin")
    return origin is None or origin.rstrip("/") == current_app.config["BASE_URL"]


def catch_up(user: User, after: int) -> None:
    """Send this socket the events after `after` that the person may see, or ask it to reload."""
    with Session(bind=db.engine) as own:
        missed = list(own.scalars(visible_events(user, after, limit=CATCH_UP_LIMIT + 1)))
        if len(missed) > CATCH_UP_LIMIT:
            emit("resync_required", {"after": after})
            return
        late = list(own.scalars(late_events(user, after, limit=CATCH_UP_LIMIT)))
        for event in sorted({e.id: e for e in late + missed}.values(), key=lambda e: e.id):
            emit(event.name, payload(event))


def on_connect(auth: dict | None = None) -> None:
    """Accept a signed-in browser or a token holder from our own origin; register, join, catch up."""
    # Reads begin as readers: a pooled thread may still carry a POST request's write intent, and a
    # writer's lock here would make the token service's own short write wait for us.
    reset = write_intent.set(False)
    try:
        _connect(auth if isinstance(auth, dict) else {})
    finally:
        write_intent.reset(reset)


def _connect(auth: dict) -> None:
    if not same_origin():
        raise Refused("This origin may not connect.")
    if not queue_live():
        # Without the queue this socket would miss other processes' events: the browser retries.
        raise Refused("Live updates are paused while the server reconnects.", {"retry": True})
    who = identify(auth)
    if who is None:
        raise Refused("Sign in to receive live updates.")
    user, key = who
    register(request.sid, user.id, key)
    # Checked again once registered: a sign-out racing this connect either sees the row or wins here.
    again = identify(auth)
    if again is None or (again[0].id, again[1]) != (user.id, key):
        unregister(request.sid)
        raise Refused("Sign in to receive live updates.")
    join_room(room(user.id))
    last_seq = auth.get("last_seq")
    if isinstance(last_seq, int) and not isinstance(last_seq, bool) and last_seq >= 0:
        catch_up(user, last_seq)


def on_disconnect(_reason: str | None = None) -> None:
    """Forget the socket."""
    unregister(request.sid)


def on_signed_out(_sender, user=None, **_extra) -> None:
    """flask_login's user_logged_out signal: cut this browser's sockets once the request is over."""
    if not has_request_context():
        return
    key = session.pop(SESSION_KEY, None)
    user_id = getattr(user, "id", None)
    if key is not None and user_id is not None:  # a session without a key never had a socket
        g.setdefault(_SIGNED_OUT, []).append((user_id, key))


def cut_signed_out(_exc: BaseException | None = None) -> None:
    """Request teardown: cut the sockets of browsers that signed out in this request."""
    pending = g.pop(_SIGNED_OUT, None)
    if not pending:
        return
    db.session.remove()  # end the request's transaction first: on SQLite our write would wait for it
    for user_id, key in pending:
        try:
            cut_access(user_id, key)
        except Exception:  # noqa: BLE001 - the sign-out itself has happened; log and let the page answer
            current_app.logger.exception("could not cut the sockets of user %s", user_id)
