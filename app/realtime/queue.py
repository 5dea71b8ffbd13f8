"""The Redis message queue between server processes, watched so an outage shows instead of hiding.

With several processes, an event committed in one reaches sockets held by the others only through
Redis. When Redis is down python-socketio logs and drops what it publishes, and its listener retries
quietly, so sockets would stay open and simply stop receiving. Instead each process checks every
SOCKETIO_QUEUE_CHECK_SECONDS that its own heartbeat comes back through the queue; after three missed
checks it disconnects its sockets and refuses new ones (browsers show "reconnecting" and retry),
and once heartbeats flow again connections are accepted and catch up from their last seq.
"""

import json
import logging
import threading
import time

import redis
import socketio
from redis.connection import parse_url
from flask import Flask

from app.extensions import socketio as flask_socketio

# Not python-socketio's logger: it logs errors only unless told otherwise, and these are warnings.
log = logging.getLogger(__name__)
CHANNEL = "flask-socketio"  # Flask-SocketIO's default channel: every process must use the same one
MISSED_CHECKS = 3


class WatchedRedisManager(socketio.RedisManager):
    """python-socketio's Redis manager, plus a heartbeat proving messages still travel end to end."""

    def __init__(self, url: str, check_seconds: float, **kwargs) -> None:
        super().__init__(url, channel=channel_for(url), **kwargs)
        self.check_seconds = check_seconds
        self.heard_at = time.monotonic()
        self.live = True
        self._probe = redis.Redis.from_url(
            url, socket_timeout=check_seconds, socket_connect_timeout=check_seconds
        )
        self._watching = threading.Event()

    def initialize(self) -> None:
        """Called by the server on its first connection: start listening, and watching."""
        super().initialize()
        if self.write_only or self._watching.is_set():
            return
        self._watching.set()
        self.heard_at = time.monotonic()  # the listener is only now subscribing
        self.server.start_background_task(self._watch)

    def _listen(self):
        # The documented hook of a pub/sub backend: every message heard proves the listener is subscribed.
        for message in super()._listen():
            self.heard_at = time.monotonic()
            yield message

    def beat(self) -> None:
        """Publish a heartbeat on the queue (ignored by every manager's handler)."""
        try:
            self._probe.publish(self.channel, json.dumps({"method": "heartbeat", "host_id": self.host_id}))
        except redis.RedisError:
            pass  # silence is the signal: judge() sees no heartbeat come back

    def judge(self) -> bool:
        """Decide whether the queue is live; on losing it, disconnect this process's sockets."""
        live = time.monotonic() - self.heard_at < MISSED_CHECKS * self.check_seconds
        if live != self.live:
            self.live = live
            if live:
                log.warning("Message queue is back: accepting live connections again.")
            else:
                log.warning("Message queue unreachable: pausing live updates.")
                self.disconnect_local()
        return live

    def disconnect_local(self) -> int:
        """Disconnect every socket held by this process (they retry, and are refused while down)."""
        sids = [sid for sid, _eio in self.get_participants("/", None)]
        for sid in sids:
            self.server.disconnect(sid, namespace="/", ignore_queue=True)
        return len(sids)

    def _watch(self) -> None:
        while True:
            self.beat()
            self.server.sleep(self.check_seconds)
            self.judge()


def channel_for(url: str) -> str:
    """The pub/sub channel for a queue URL: one per Redis database number.

    Redis pub/sub ignores the database number, so two deployments (or two test runs) given
    redis://host/1 and redis://host/2 would otherwise deliver each other's events to their sockets.
    Database 0 keeps Flask-SocketIO's default name, so processes of an older release still hear it.
    """
    database = int(parse_url(url).get("db") or 0)
    return f"{CHANNEL}-db{database}" if database else CHANNEL


def queue_options(app: Flask) -> dict:
    """Flask-SocketIO options for this app's SOCKETIO_MESSAGE_QUEUE (a watched manager for Redis).

    Always names the client manager, so an app without a queue never inherits an earlier app's.
    """
    url = app.config["SOCKETIO_MESSAGE_QUEUE"]
    if not url:
        return {"client_manager": None}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise RuntimeError(f"SOCKETIO_MESSAGE_QUEUE must be a Redis URL (redis://host:port/db), not {url!r}")
    return {"client_manager": WatchedRedisManager(url, app.config["SOCKETIO_QUEUE_CHECK_SECONDS"])}


def queue_live() -> bool:
    """False while this process's message queue is known to be down (always True without one)."""
    return getattr(flask_socketio.server.manager, "live", True)
