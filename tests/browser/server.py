"""The live server for browser tests: a second app on the test database, served by socketio.run.

Why in this process, on the `app` fixture's database: the extension singletons in app.extensions
are shared per process. `db` binds each session to the engine of the app in the current context, so
two apps coexist. `socketio.init_app` makes the newest app own `socketio.server`, so the live app is
created after the main `app` fixture (the fixture depends on it) and emits reach the browsers
connected to it; when the browser tests end, the previous Socket.IO server is put back, so later
tests see the process as if the live app had never existed. The limiter stays disabled, as the main
fixture left it (every sign-in comes from 127.0.0.1). Sharing the database URL and the search index
means tests/conftest.py cleans up after browser tests like after any other test, and rows written
by factories in the test process are what the server reads.
"""

import logging
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from alembic import command
from flask import Flask

from app import create_app
from app.cli import alembic_config
from app.db import writing
from app.extensions import db, socketio
from app.models import Community, Unit, User
from tests import factories
from tests.browser.helpers import outbox_messages

SOCKETIO_STATE = ("server", "sockio_mw", "async_mode", "server_options")
T = TypeVar("T")


def _closing(wsgi_app: Callable) -> Callable:
    """Close every response iterable, even when the browser hangs up mid-response.

    Werkzeug's development server can skip close() when the client drops the connection (a test
    ending while a script is still loading), leaving the static file open: a ResourceWarning, an
    error under -W error, attributed to whichever test runs next. The generator's finally closes it.
    """

    def app(environ, start_response) -> Iterable[bytes]:
        iterable = wsgi_app(environ, start_response)

        def chunks():
            try:
                yield from iterable
            finally:
                if hasattr(iterable, "close"):
                    iterable.close()

        return chunks()

    return app


@dataclass
class LiveServer:
    """The running server: its URL, its app, and factories that write where it reads."""

    url: str
    app: Flask
    outbox: Path

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The live app's context as a writer: transactions BEGIN IMMEDIATE, as in its POST requests.

        Server threads write too (sockets connecting, events dispatched); a deferred transaction
        that reads and then writes would fail at once with "database is locked" on SQLite.
        """
        with self.app.app_context(), writing():
            yield

    def write(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """Run a service in the live app as a writer and commit; returns its result (detached)."""
        with self.writing():
            result = fn(*args, **kwargs)
            db.session.commit()
            return result

    def make_user(self, **kwargs) -> User:
        """A confirmed person with the shared test password (detached, attributes loaded)."""
        return self.write(factories.make_user, **kwargs)

    def make_unit(self, name: str | None = None) -> Unit:
        """A unit."""
        return self.write(factories.make_unit, name)

    def make_community(self, owner: User, **kwargs) -> Community:
        """A community owned by `owner` (see factories.make_community)."""
        return self.write(lambda: factories.make_community(db.session.merge(owner), **kwargs))

    def seed_demo(self) -> dict:
        """The demo organisation (app.demo), committed; returns its password and logins."""
        from app.demo import seed_demo

        return self.write(seed_demo, only_if_empty=False)

    def emails_to(self, address: str) -> list:
        """Mail the server wrote to its outbox for this address, oldest first."""
        return outbox_messages(self.outbox, address)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_healthy(url: str, thread: threading.Thread, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("the live server thread died while starting")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the live server did not answer {url}/healthz within {timeout:.0f}s")


@contextmanager
def serve(main_app: Flask, instance: Path) -> Iterator[LiveServer]:
    """Create the live app (CSRF on) beside `main_app`, serve it on a free port, yield it."""
    url = main_app.config["DATABASE_URL"]
    if url in ("sqlite://", "sqlite:///:memory:"):
        raise RuntimeError("browser tests need a database file or server shared with the live server")
    saved = {name: getattr(socketio, name, None) for name in SOCKETIO_STATE}
    saved["server_options"] = dict(saved["server_options"] or {})
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    live_app = create_app(
        "testing",
        DATABASE_URL=url,
        WTF_CSRF_ENABLED=True,
        BASE_URL=base,
        ORG_NAME="Northshire Police",
        RATELIMIT_ENABLED=False,
        OUTBOX_DIR=str(instance / "outbox"),
        MEDIA_DIR=str(instance / "media"),
        SEARCH_INDEX_DIR=main_app.config["SEARCH_INDEX_DIR"],
    )
    live_app.wsgi_app = _closing(live_app.wsgi_app)
    command.upgrade(alembic_config(url), "head")  # a no-op after the `app` fixture; kept for clarity
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in test output
    thread = threading.Thread(
        target=socketio.run,
        args=(live_app,),
        name="live-server",
        daemon=True,
        kwargs={
            "host": "127.0.0.1",
            "port": port,
            "allow_unsafe_werkzeug": True,
            "use_reloader": False,
            "log_output": False,
            "load_dotenv": False,
        },
    )
    thread.start()
    try:
        _wait_until_healthy(base, thread)
        yield LiveServer(url=base, app=live_app, outbox=instance / "outbox")
    finally:
        # socketio.run has no shutdown: the daemon thread keeps listening, unused, until exit.
        for name, value in saved.items():
            setattr(socketio, name, value)
        with live_app.app_context():
            db.dispose(live_app)
