"""Eight people posting at once through a real threaded server on SQLite: nothing is lost."""

import threading
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from alembic import command
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app import create_app
from app.cli import alembic_config
from app.extensions import db
from app.models import Post
from tests import factories

pytestmark = pytest.mark.slow

WRITERS, POSTS_EACH = 8, 5


@pytest.fixture
def served_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'concurrent.db'}"
    command.upgrade(alembic_config(url), "head")
    app = create_app(
        "testing",
        DATABASE_URL=url,
        OUTBOX_DIR=str(tmp_path / "outbox"),
        SEARCH_INDEX_DIR=str(tmp_path / "index"),
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    db.dispose(app)


def _signed_in_opener(base: str, email: str):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    data = urllib.parse.urlencode({"email": email, "password": factories.PASSWORD}).encode()
    opener.open(base + "/login", data=data, timeout=30)
    return opener


def test_eight_concurrent_writers_lose_nothing(served_app):
    app, base = served_app
    with app.app_context():
        emails = [factories.make_user().email for _ in range(WRITERS)]
    failures: list[str] = []
    start = threading.Barrier(WRITERS)

    def writer(email: str) -> None:
        opener = _signed_in_opener(base, email)
        start.wait()
        for n in range(POSTS_EACH):
            body = urllib.parse.urlencode({"body": f"{email} post {n}"}).encode()
            try:
                response = opener.open(
                    urllib.request.Request(base + "/posts", data=body, headers={"X-Requested-With": "fetch"}),
                    timeout=30,
                )
                if response.status != 201:
                    failures.append(f"{email}: {response.status}")
            except urllib.error.HTTPError as exc:
                failures.append(f"{email}: {exc.code}")

    threads = [threading.Thread(target=writer, args=(e,)) for e in emails]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Post)) == WRITERS * POSTS_EACH
        bodies = set(db.session.scalars(select(Post.body_source)))
    assert bodies == {f"{e} post {n}" for e in emails for n in range(POSTS_EACH)}
