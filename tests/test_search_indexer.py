"""The indexer follows the event log off the request path, one writer per host, and recovers."""

import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Event, Post, SearchDocument
from app.search.index import REBUILD_MARKER, SearchIndex, search_index
from app.search.indexer import drain, indexer_lock, start_background_indexer, stop_background_indexer
from app.search.pg_backend import WRITER_LOCK
from app.search.schema import SCHEMA_VERSION
from app.search.services import search
from tests import factories
from tests.search_helpers import found, fresh, indexed, whoosh_only, write

pytestmark = pytest.mark.usefixtures("search_backend")

ROOT = Path(__file__).resolve().parent.parent


def _pending() -> int:
    db.session.rollback()  # a fresh snapshot: the indexer committed in its own session
    return db.session.scalar(select(func.count()).where(Event.search_indexed.is_(False)))


def _generation(app) -> int:
    """What changes whenever the index is written: Whoosh's generation, or PostgreSQL's documents."""
    state = search_index(app)
    if state.backend == "postgres":
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(SearchDocument))
    return state.ix().latest_generation()


def test_a_request_that_posts_only_records_the_event_and_wakes_the_indexer(app, client, login, member):
    login(member)
    state = search_index(app)
    before = _generation(app)
    state.wake.clear()
    response = client.post("/posts", data={"body": "Parking at Harbourside is closed on Friday"})
    assert response.status_code in (302, 303)
    assert _generation(app) == before  # nothing was written to the index on the request path
    assert state.wake.is_set()
    with app.app_context():
        assert _pending() >= 1
    with app.app_context():
        assert found(member, "parking harbourside") == []
        assert drain(app) >= 1 and _pending() == 0
        assert len(found(member, "parking harbourside")) == 1
        assert drain(app) == 0


@contextmanager
def _another_indexer(app):
    """Another indexer mid-pass: the lock file on this host, or the database's writer lock."""
    state = search_index(app)
    if state.backend != "postgres":
        with indexer_lock(state) as held:
            yield held
        return
    with Session(bind=db.engine) as other:  # another host's transaction, holding the lock
        held = other.scalar(
            text("SELECT pg_try_advisory_xact_lock(:a, :b)"), {"a": WRITER_LOCK[0], "b": WRITER_LOCK[1]}
        )
        yield held
        other.rollback()


def test_a_second_indexer_steps_aside(app, ctx, member):
    write(member, "Lanyards are in the post room")
    with _another_indexer(app) as held:
        assert held
        assert drain(app) == 0  # another indexer holds the lock: it does the work, nobody waits
        assert _pending() >= 1
    assert drain(app) >= 1 and found(member, "lanyards") != []


def test_a_due_rebuild_reads_the_database_and_settles_pending_events(app, ctx, member):
    posts = [write(member, f"Drone pilot course number {n}") for n in range(3)]
    state = search_index(app)
    state.mark_rebuild()
    assert drain(app) == 0  # the rebuild marked every committed event indexed before reading
    assert not state.needs_rebuild() and _pending() == 0
    assert {i for _, i in found(member, "drone")} == {p.id for p in posts}


@whoosh_only
def test_a_missing_or_corrupt_index_is_rebuilt_not_a_crash(app, ctx, member, monkeypatch, tmp_path):
    write(member, "Evidence store audit on Tuesday")
    missing = SearchIndex(str(tmp_path / "missing"))
    monkeypatch.setitem(app.extensions, "search", missing)
    assert missing.verify() == "rebuilding"
    drain(app)
    assert found(member, "evidence store") != [] and not missing.needs_rebuild()

    broken_dir = tmp_path / "broken"
    broken = SearchIndex(str(broken_dir))
    broken.verify()
    broken.clear_rebuild()
    for toc in broken_dir.glob("_MAIN_*.toc"):
        toc.write_bytes(b"not a whoosh table of contents")
    monkeypatch.setitem(app.extensions, "search", SearchIndex(str(broken_dir)))
    assert search_index(app).verify() == "rebuilding"
    drain(app)
    assert found(member, "evidence store") != []


@whoosh_only
def test_start_up_with_a_corrupt_index_serves_and_schedules_a_rebuild(app, tmp_path):
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    (index_dir / "_MAIN_3.toc").write_bytes(b"\x00garbage")
    (index_dir / ".schema-version").write_text(str(SCHEMA_VERSION))
    env = {
        **os.environ,
        "ROLLCALL_CONFIG": "development",
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SEARCH_INDEX_DIR": str(index_dir),
        "INSTANCE_DIR": str(tmp_path / "instance"),
    }
    code = "from app import create_app; app = create_app(); print(app.extensions['search'].needs_rebuild())"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("True") and (index_dir / REBUILD_MARKER).exists()


def test_reindex_and_check_commands(app, ctx, runner, member):
    post = write(member, "Bike marking event at Millbrook")
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexing" in result.output and "Indexed" in result.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0

    write(member, "Another bike marking event")  # its event is pending: missing from the index
    db.session.execute(update(Post).where(Post.id == post.id).values(body_source="Bike marking moved"))
    db.session.commit()  # changed behind the index's back: stale
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if line.startswith("post"))
    assert "1 missing" in line and "1 stale" in line and "--repair" in result.output
    result = runner.invoke(args=["search", "check", "--repair"])
    assert result.exit_code == 0 and "Repaired 2 items" in result.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    assert found(member, "moved") == [("post", post.id)]


def test_healthz_reports_the_index(app, client, monkeypatch, search_backend):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["search_index"] == "ok" and "search_pending_events" in body
    assert body["search_backend"] == search_backend
    search_index(app).mark_rebuild()
    body = client.get("/healthz").get_json()
    assert client.get("/healthz").status_code == 200 and body["search_index"] == "rebuilding"
    search_index(app).clear_rebuild()

    def broken():
        raise OSError("disk gone")

    monkeypatch.setattr(search_index(app), "probe", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["search_index"] == "error"


def test_jobs_tick_runs_the_indexer(app, ctx, runner, member):
    write(member, "Tyre pressure checks on the fleet")
    result = runner.invoke(args=["jobs", "tick"])
    assert result.exit_code == 0 and "search_index: " in result.output
    assert found(member, "tyre pressure") != []


def test_the_background_indexer_finds_a_new_post_soon_after_commit(app, client, login, member):
    thread = start_background_indexer(app, interval=0.2)
    try:
        login(member)
        client.post("/posts", data={"body": "Lost property: a blue umbrella at reception"})
        deadline = time.monotonic() + 10  # a liveness check, not a timing: the benchmark measures that
        with app.app_context():
            while not found(member, "umbrella") and time.monotonic() < deadline:
                time.sleep(0.05)
            assert found(member, "umbrella") != []
    finally:
        stop_background_indexer(app, thread)
    assert not thread.is_alive()


WRITER = """
import json, sys
from app import create_app
from app.db import writing
from app.extensions import db
from app.models import User
from app.posts.services import create_post
from app.search.indexer import drain

url, index_dir, backend, user_id, tag, count = sys.argv[1:]
app = create_app("testing", DATABASE_URL=url, SEARCH_INDEX_DIR=index_dir, SEARCH_BACKEND=backend)
for n in range(int(count)):
    with app.app_context(), writing():
        create_post(db.session.get(User, int(user_id)), f"Relay {tag} message {n} quartermaster")
        db.session.commit()
    drain(app)
print(json.dumps({"ok": True}))
"""


@pytest.mark.slow
def test_several_processes_never_lose_a_write_nor_show_a_lock_error(app, member, search_backend):
    if app.config["DATABASE_URL"].startswith("sqlite://") and "///" not in app.config["DATABASE_URL"]:
        pytest.skip("needs a database the processes share")
    args = [app.config["DATABASE_URL"], app.config["SEARCH_INDEX_DIR"], search_backend, str(member.id)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, *args, tag, "12"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("alpha", "bravo", "charlie")
    ]
    outputs = [p.communicate(timeout=180) for p in processes]
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0 and json.loads(out.strip().splitlines()[-1])["ok"], err
        assert "LockError" not in err and "locked" not in err
    with app.app_context():
        drain(app)  # whatever the last process left pending
        assert _pending() == 0
        page = search(fresh(member), "quartermaster", limit=100)
        assert page.total == 36 and len(page.hits) == 36


def test_renaming_a_community_or_a_unit_reindexes_what_shows_them(app, ctx, admin, member):
    from app.admin.units import update_unit
    from app.communities.services import update_community

    unit = factories.make_unit("Roads Policing")
    colleague = factories.make_user(name="Rhys Evans", unit=unit)
    community = factories.make_community(fresh(admin), name="Fleet Forum")
    indexed(app)
    update_community(
        fresh(admin), db.session.merge(community), "Vehicle Forum", "Pool cars and vans", "public"
    )
    update_unit(fresh(admin), db.session.merge(unit), "Roads and Collisions")
    db.session.commit()
    indexed(app)
    assert found(member, "vans", "communities") == [("community", community.id)]
    assert found(member, "collisions", "people") == [("person", colleague.id)]
