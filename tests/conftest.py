"""Fixtures: app, client, runner, role users (intruder included), login and query counting."""

import os

import pytest
from alembic import command
from sqlalchemy import event, text

from app import create_app
from app.cli import alembic_config
from app.extensions import db, limiter
from app.models import Base, Community, User
from app.search.index import search_index
from tests import factories
from tests.realtime_helpers import SocketPool


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """One app for the session, on a freshly migrated database."""
    url = _database_url(tmp_path_factory)
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        "testing",
        DATABASE_URL=url,
        OUTBOX_DIR=str(instance / "outbox"),
        MEDIA_DIR=str(instance / "media"),
        SEARCH_INDEX_DIR=str(instance / "search_index"),
    )
    os.makedirs(app.config["SEARCH_INDEX_DIR"], exist_ok=True)
    limiter.enabled = False  # tests that check limits turn it on (storage exists because it was on at init)
    with app.app_context():
        with db.engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        command.upgrade(alembic_config(url), "head")
    search_index(app).reset()  # an empty index, not marked for a rebuild
    yield app
    db.dispose(app)


@pytest.fixture(autouse=True)
def _limiter_off():
    """Rate limits off for every test: the limiter is one per process, and any create_app() without
    RATELIMIT_ENABLED=False (a production-config test, a second app) switches it back on for the
    tests after it, whose repeated sign-ins then meet 429s depending on test order."""
    limiter.enabled = False
    yield
    limiter.enabled = False


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table after each test, keeping the All staff row the migration created (and the
    search index, when the test put anything in it)."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    index = search_index(app)
    if index.dirty or index.has_documents():
        index.reset()
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                if table.name == "communities":
                    conn.execute(table.delete().where(table.c.is_all_staff.is_(False)))
                else:
                    conn.execute(table.delete())
        db.session.remove()


@pytest.fixture(params=["whoosh", "postgres"])
def search_backend(request, app, monkeypatch):
    """The search backend a test runs against (tests/test_search_*.py): Whoosh, then PostgreSQL full
    text when TEST_DATABASE_URL is PostgreSQL, as SEARCH_BACKEND=postgres would configure it."""
    if request.param == "postgres":
        from app.search.pg_backend import PgSearchIndex

        if not app.config["DATABASE_URL"].startswith("postgresql"):
            pytest.skip("the PostgreSQL search backend runs when TEST_DATABASE_URL is PostgreSQL")
        monkeypatch.setitem(app.extensions, "search", PgSearchIndex(app))
        monkeypatch.setitem(app.config, "SEARCH_BACKEND", "postgres")
    return request.param


@pytest.fixture
def ctx(app):
    """An app context for calling services directly."""
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


def _role_user(app, role: str, name: str) -> User:
    with app.app_context():
        user = factories.make_user(name=name, role=role)
        db.session.expunge(user)
        return user


@pytest.fixture
def member(app):
    """A plain member."""
    return _role_user(app, "member", "Morgan Member")


@pytest.fixture
def comms(app):
    """A comms officer."""
    return _role_user(app, "comms", "Casey Comms")


@pytest.fixture
def leader(app):
    """A leader (chief officer)."""
    return _role_user(app, "leader", "Lee Leader")


@pytest.fixture
def moderator(app):
    """A moderator."""
    return _role_user(app, "moderator", "Mo Moderator")


@pytest.fixture
def admin(app):
    """A site admin."""
    return _role_user(app, "admin", "Ada Admin")


@pytest.fixture
def intruder(app):
    """A member of no private or secret community, who tries everything."""
    return _role_user(app, "member", "Ivy Intruder")


@pytest.fixture
def login(client):
    """Sign a person in on the test client (through the real session cookie)."""

    def _login(user: User, test_client=None):
        c = test_client or client
        with c.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return c

    return _login


@pytest.fixture
def all_staff(app) -> Community:
    """The All staff community (detached)."""
    from app.communities.services import all_staff as get_all_staff

    with app.app_context():
        community = get_all_staff()
        db.session.expunge(community)
        return community


@pytest.fixture
def count_queries(app):
    """Count SQL statements run inside the block: `with count_queries() as n: ...; n()`."""
    from contextlib import contextmanager

    @contextmanager
    def _counter():
        statements: list[str] = []

        def _before(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
                statements.append(statement)

        engine = app.extensions["database_engine"]
        event.listen(engine, "before_cursor_execute", _before)
        try:
            yield lambda: len(statements)
        finally:
            event.remove(engine, "before_cursor_execute", _before)

    return _counter


@pytest.fixture
def sockets(app):
    """Socket.IO test clients (tests/realtime_helpers.SocketPool), all closed after the test."""
    pool = SocketPool(app)
    yield pool
    pool.close_all()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """A real OpenID Connect provider on loopback for the session (see tests/oidc_helpers.py)."""
    from tests import oidc_helpers

    provider = oidc_helpers.start(tmp_path_factory.mktemp("oidc"))
    yield provider
    provider.stop()


@pytest.fixture
def sso(app, oidc_provider, monkeypatch):
    """Single sign-on configured on the app against the loopback provider, with a newly registered client."""
    client_id, secret = oidc_provider.register_client(app.config["BASE_URL"] + "/login/sso/callback")
    monkeypatch.setitem(app.config, "OIDC_ISSUER", oidc_provider.issuer)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", client_id)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_SECRET", secret)
    yield oidc_provider
    oidc_provider.reset()
