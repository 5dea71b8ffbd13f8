"""The registry of live sockets (socket_connections), so any process can find and cut them."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.db import writing
from app.extensions import db, socketio
from app.models import SocketConnection


@contextmanager
def writer() -> Iterator[Session]:
    """A short session of our own that begins as a writer: socket bookkeeping never joins a request's
    transaction (and, on SQLite, never waits behind it)."""
    with writing(), Session(bind=db.engine, expire_on_commit=False) as own:
        yield own


def register(sid: str, user_id: int, session_key: str) -> None:
    """Record a live socket."""
    with writer() as own:
        own.add(SocketConnection(sid=sid, user_id=user_id, session_key=session_key))
        own.commit()


def unregister(sid: str) -> None:
    """Forget a socket (idempotent)."""
    with writer() as own:
        own.execute(delete(SocketConnection).where(SocketConnection.sid == sid))
        own.commit()


def cut_access(user_id: int, session_key: str | None = None) -> int:
    """Disconnect the person's sockets (all, or one browser's or token's) wherever they are; returns
    how many. Call it after commit, outside any open write transaction."""
    with writer() as own:
        stmt = delete(SocketConnection).where(SocketConnection.user_id == user_id)
        if session_key is not None:
            stmt = stmt.where(SocketConnection.session_key == session_key)
        sids = list(own.scalars(stmt.returning(SocketConnection.sid)))
        own.commit()
    for sid in sids:
        # With a message queue, python-socketio forwards this to the process that owns the socket.
        socketio.server.disconnect(sid, namespace="/")
    return len(sids)
