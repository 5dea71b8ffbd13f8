"""The database: one engine per app, one session per request or command."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app
from flask.globals import app_ctx
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker

# Set for requests that write, so SQLite takes the write lock when the transaction begins
# instead of failing with SQLITE_BUSY when a read transaction later tries to write.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


def _tune_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout, foreign keys and BEGIN IMMEDIATE for writes (DESIGN.md pitfalls)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let SQLAlchemy's begin event issue BEGIN
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


class AppSession(Session):
    """A session bound to the current app's engine, so several apps can share one process."""

    def get_bind(self, mapper=None, clause=None, **kwargs):
        return current_app.extensions["database_engine"]


def _app_context_id() -> int:
    """Scope sessions to the app context (as Flask-SQLAlchemy does), so a nested context gets its own."""
    return id(app_ctx._get_current_object())


class Database:
    """The current app's engine and a session per app context, removed when the context ends."""

    def __init__(self) -> None:
        self.session: scoped_session[Session] = scoped_session(
            sessionmaker(class_=AppSession, expire_on_commit=False), scopefunc=_app_context_id
        )

    @property
    def engine(self) -> Engine:
        """The engine of the app in the current context."""
        return current_app.extensions["database_engine"]

    def init_app(self, app) -> None:
        """Create the engine from DATABASE_URL and close the session after each request."""
        url = app.config["DATABASE_URL"]
        kwargs: dict = {}
        if url.startswith("sqlite"):
            from sqlalchemy.pool import StaticPool

            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 10}
            if url in ("sqlite://", "sqlite:///:memory:"):
                kwargs["poolclass"] = StaticPool  # one shared in-memory database for tests
        else:
            # A server that went away is noticed at checkout (and reconnected once it is back).
            kwargs["pool_pre_ping"] = True
            if url.startswith("postgresql"):
                kwargs["connect_args"] = {"connect_timeout": app.config["DATABASE_CONNECT_TIMEOUT"]}
        engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            _tune_sqlite(engine)
        app.extensions["database_engine"] = engine

        @app.before_request
        def _mark_write_intent():
            from flask import request

            write_intent.set(request.method not in ("GET", "HEAD", "OPTIONS"))

        @app.teardown_request
        def _clear_write_intent(_exc):
            write_intent.set(False)  # the thread may serve other work next (sockets, jobs)

        @app.teardown_appcontext
        def _remove_session(_exc):
            self.session.remove()

    def dispose(self, app) -> None:
        """Close every pooled connection (tests call this so no ResourceWarning fires)."""
        app.extensions["database_engine"].dispose()


@contextmanager
def writing() -> Iterator[None]:
    """Mark the current context as a writer (CLI commands and jobs)."""
    token = write_intent.set(True)
    try:
        yield
    finally:
        write_intent.reset(token)
