"""Dispatching committed events: off the request thread when configured, never under the write lock."""

import threading

import pytest
from sqlalchemy import event, select

from app import events
from app.db import writing
from app.dispatcher import URGENT, dispatcher_for, in_background
from app.extensions import db
from app.models import Event
from tests.realtime_helpers import received, sign_in


@pytest.fixture
def threaded(app):
    """The production setting: a request's events go to the dispatcher thread."""
    app.config["EVENT_DISPATCH"] = "thread"
    yield dispatcher_for(app)
    assert dispatcher_for(app).drain()
    app.config["EVENT_DISPATCH"] = "inline"


@pytest.fixture
def handler_threads():
    """Names of the threads the subscribers ran on."""
    seen: list[str] = []

    def _record(_events, _session):
        seen.append(threading.current_thread().name)

    events.subscribe(_record)
    yield seen
    events._handlers.remove(_record)


def test_a_posts_events_are_pushed_by_the_dispatcher_thread(
    app, sockets, threaded, handler_threads, member, comms, login
):
    reader = sockets.connect(sign_in(app, comms))
    client = login(member, app.test_client())
    assert threaded.drain()
    handler_threads.clear()  # signing in has its own events
    assert client.post("/posts", data={"body": "Handover notes are in the shared drive"}).status_code == 302
    assert threaded.drain()
    [payload] = received(reader, "post_created")
    assert handler_threads == ["event-dispatcher"]
    with app.app_context():
        assert db.session.scalar(select(Event.dispatched).where(Event.id == payload["seq"])) is True


def test_commands_and_socket_cutting_events_dispatch_before_returning(app, threaded, handler_threads):
    with app.app_context(), writing():  # no request: a command or job, which may exit at once
        events.record("post_created", community_id=None, post_id=1)
        db.session.commit()
    assert handler_threads == [threading.current_thread().name]
    assert URGENT == {"user_deactivated", "user_updated"}
    assert not in_background(app, [Event(name="user_updated", data={"sessions_revoked": True})])
    assert in_background(app, [Event(name="reaction_updated", data={})])


def test_pushes_read_without_taking_the_write_lock(app, login, member, comms):
    engine = app.extensions["database_engine"]
    if engine.dialect.name != "sqlite":
        pytest.skip("BEGIN IMMEDIATE is SQLite's write lock; PostgreSQL takes row locks")
    statements: list[str] = []

    def _before(_conn, _cursor, statement, *_args):
        statements.append(statement.strip().split("\n")[0])

    client = login(member, app.test_client())
    event.listen(engine, "before_cursor_execute", _before)
    try:
        assert client.post("/posts", data={"body": "Kit check at 0700"}).status_code == 302
    finally:
        event.remove(engine, "before_cursor_execute", _before)
    marked = max(i for i, s in enumerate(statements) if s.startswith("UPDATE events SET dispatched"))
    recorded = max(i for i, s in enumerate(statements) if s.startswith("INSERT INTO events"))
    begins = [s for s in statements[recorded:marked] if s.startswith("BEGIN")]  # after the request's
    assert begins[:-1] and set(begins[:-1]) == {"BEGIN"}, begins  # the pushes' reads
    assert begins[-1] == "BEGIN IMMEDIATE"  # marking them dispatched writes
