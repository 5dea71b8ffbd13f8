"""Dispatching a request's committed events off its thread: one dispatcher thread per app and process.

A request that wrote answers as soon as it has committed; this thread then hands the events, in
commit order and in batches, to events.dispatch (sockets, search indexer) and marks them. Nothing
is lost if the process dies first: undispatched events are replayed by the jobs worker once older
than EVENT_REPLAY_GRACE_SECONDS. Commands and jobs (no request) dispatch inline, so a command that
exits at once has still pushed what it did; so do events that cut sockets (see URGENT).
"""

import atexit
import logging
import os
import queue
import threading

from flask import Flask

from app.models import Event

log = logging.getLogger(__name__)
# Sign-out everywhere, password changes, token revocation and deactivation cut sockets: the request
# that did it answers only once they are cut.
URGENT = frozenset({"user_deactivated", "user_updated"})
BATCH = 200
DRAIN_SECONDS = 5.0


class Dispatcher:
    """A queue of committed events and the thread that dispatches them."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.queue: queue.SimpleQueue[list[Event]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._pending = 0  # lists queued and not yet dispatched
        self._idle = threading.Condition()

    def submit(self, events: list[Event]) -> None:
        """Queue events for the thread (started on first use, again in a forked worker)."""
        with self._lock:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="event-dispatcher", daemon=True)
                self._thread.start()
                atexit.register(self.drain)
        with self._idle:
            self._pending += 1
        self.queue.put(events)

    def drain(self, timeout: float = DRAIN_SECONDS) -> bool:
        """Wait until everything queued has been dispatched (at exit; tests); False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def _run(self) -> None:
        from app.events import dispatch

        while True:
            batch, taken = list(self.queue.get()), 1
            while len(batch) < BATCH:
                try:
                    batch.extend(self.queue.get_nowait())
                except queue.Empty:
                    break
                taken += 1
            try:
                with self.app.app_context():
                    dispatch(batch)
            except Exception:  # noqa: BLE001 - the thread must live on; replay retries these events
                log.exception("dispatching %d events failed", len(batch))
            with self._idle:
                self._pending -= taken
                self._idle.notify_all()


def dispatcher_for(app: Flask) -> Dispatcher:
    """The app's dispatcher."""
    found = app.extensions.get("event_dispatcher")
    if found is None:
        found = app.extensions["event_dispatcher"] = Dispatcher(app)
    return found


def in_background(app: Flask, events: list[Event]) -> bool:
    """Whether these events, committed by a request, go to the dispatcher thread (EVENT_DISPATCH)."""
    return app.config["EVENT_DISPATCH"] == "thread" and not any(e.name in URGENT for e in events)
