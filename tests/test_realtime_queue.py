"""The watched message queue: a process that stops hearing its heartbeat through Redis disconnects its
sockets and refuses new ones (the browser shows "reconnecting"), and accepts them again once it hears.

tests/reliability/test_outages.py stops a real Redis under real processes; this file checks the rules.
"""

import logging
import time

import pytest

from app.realtime import connections
from app.realtime.queue import MISSED_CHECKS, WatchedRedisManager, channel_for, queue_options
from tests.realtime_helpers import SocketPool, live_sockets, sign_in


class FakeServer:
    """Just what the manager calls on its server when it gives up on the queue."""

    def __init__(self) -> None:
        self.disconnected: list[str] = []
        self.logger = logging.getLogger("socketio.server")  # python-socketio's own messages

    def disconnect(self, sid, namespace=None, ignore_queue=False):
        assert ignore_queue, "a process must not route its own disconnects through the dead queue"
        self.disconnected.append(sid)


@pytest.fixture
def manager(monkeypatch):
    """A watched manager on a Redis port nobody listens on, with two local sockets."""
    watched = WatchedRedisManager("redis://127.0.0.1:1/0", check_seconds=0.05)
    watched.server = FakeServer()
    monkeypatch.setattr(watched, "get_participants", lambda namespace, room: iter([("a", "ea"), ("b", "eb")]))
    return watched


def test_silence_on_the_queue_pauses_live_updates_and_disconnects_local_sockets(manager, caplog):
    assert manager.judge() is True  # just heard (the manager starts with a grace period)
    manager.heard_at = time.monotonic() - MISSED_CHECKS * manager.check_seconds - 0.01
    assert manager.judge() is False and manager.live is False
    assert manager.server.disconnected == ["a", "b"]
    assert manager.judge() is False and manager.server.disconnected == ["a", "b"]  # once, not every check
    assert "Message queue unreachable: pausing live updates." in caplog.text


def test_hearing_the_queue_again_resumes(manager):
    manager.heard_at = 0
    manager.judge()
    manager.heard_at = time.monotonic()
    assert manager.judge() is True and manager.live is True


def test_a_heartbeat_to_a_dead_redis_is_silent_not_an_error(manager):
    manager.beat()  # connection refused: swallowed; judge() notices the silence instead


def test_each_redis_database_has_its_own_channel():
    # Pub/sub ignores the database number: without this, two deployments on one Redis hear each other.
    assert (
        channel_for("redis://127.0.0.1:6379/0") == channel_for("redis://127.0.0.1:6379") == "flask-socketio"
    )
    assert channel_for("redis://127.0.0.1:6379/15") == "flask-socketio-db15"
    assert (
        channel_for("unix:///run/redis.sock?db=2")
        == channel_for("rediss://cache:6380/2")
        == "flask-socketio-db2"
    )
    assert WatchedRedisManager("redis://127.0.0.1:6379/14", 1.0).channel == "flask-socketio-db14"


def test_queue_options_follow_the_configuration(app):
    assert queue_options(app) == {"client_manager": None}  # no queue: never inherit another app's
    app.config["SOCKETIO_MESSAGE_QUEUE"] = "redis://127.0.0.1:6379/3"
    try:
        assert isinstance(queue_options(app)["client_manager"], WatchedRedisManager)
        app.config["SOCKETIO_MESSAGE_QUEUE"] = "amqp://guest@localhost//"
        with pytest.raises(RuntimeError, match="must be a Redis URL"):
            queue_options(app)
    finally:
        app.config["SOCKETIO_MESSAGE_QUEUE"] = None


def test_connections_are_refused_while_the_queue_is_down(app, member, monkeypatch):
    pool = SocketPool(app)
    try:
        monkeypatch.setattr(connections, "queue_live", lambda: False)
        refused = pool.connect(sign_in(app, member))
        assert not refused.is_connected()
        assert live_sockets(app, member) == 0
        monkeypatch.setattr(connections, "queue_live", lambda: True)
        assert pool.connect(sign_in(app, member)).is_connected()
    finally:
        pool.close_all()
