"""The PostgreSQL backend's own behaviour: configuration, its analyzer, safe highlights, spelling
without pg_trgm, and indexers on several hosts (the shared search tests run against it as well)."""

import re
import threading

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import Event, SearchDocument
from app.search.index import search_index
from app.search.services import search
from tests.search_helpers import found, fresh, indexed, write

pytestmark = pytest.mark.usefixtures("search_backend")
postgres_only = pytest.mark.parametrize("search_backend", ["postgres"], indirect=True)


@pytest.mark.parametrize(
    "settings,message",
    [
        ({"SEARCH_BACKEND": "postgres", "DATABASE_URL": "sqlite://"}, "needs a PostgreSQL DATABASE_URL"),
        ({"SEARCH_BACKEND": "elastic"}, "SEARCH_BACKEND must be one of whoosh, postgres"),
    ],
)
def test_a_backend_that_cannot_work_is_a_clear_start_up_error(settings, message):
    with pytest.raises(RuntimeError, match=message):
        create_app("testing", **settings)


@postgres_only
def test_a_postgres_app_starts_with_the_postgres_backend(app):
    other = create_app("testing", DATABASE_URL=app.config["DATABASE_URL"], SEARCH_BACKEND="postgres")
    try:
        state = search_index(other)
        assert state.backend == "postgres"
        assert state.verify() == "rebuilding"  # an empty table while the database has people
        assert state.drain() == 0 and state.verify() == "ok" and state.has_documents()
    finally:
        db.dispose(other)


@postgres_only
def test_stems_accents_and_words_that_matter_here(app, ctx, member):
    runs = {write(member, text).id for text in ("I run on Tuesdays", "She runs the desk", "Running late")}
    cafe = write(member, "The café at Harbourside reopens")
    desk = write(member, "The IT service desk moves in May")
    indexed(app)
    for typed in ("running", "run", "RUNS"):
        assert {i for _, i in found(member, typed)} == runs, typed
    assert found(member, "cafe") == found(member, "café") == [("post", cafe.id)]
    assert found(member, "IT") == [("post", desk.id)] and found(member, "may") == [("post", desk.id)]
    assert len(found(member, "the")) == 5  # a common word alone filters nothing, as with Whoosh


@postgres_only
def test_highlights_escape_everything_but_the_marks(app, ctx, member):
    # ts_headline returns text as it was (tags included): the marks are private-use characters,
    # removed from the text first, so everything else is escaped and only they become <mark>.
    body = "Wellbeing \ue000<img src=x onerror=alert(1)>\ue001 <script>alert(2)</script> wellbeing plan"
    write(member, body + " for the whole team on every shift" * 6)
    indexed(app)
    (shown,) = search(fresh(member), "wellbeing").hits
    for html in (str(shown.snippet), str(shown.title)):
        assert "<img" not in html and "<script" not in html and "&lt;script" in html, html
        assert "\ue000" not in html and "\ue001" not in html
        assert {m.lower() for m in re.findall(r"<mark[^>]*>(.*?)</mark>", html)} == {"wellbeing"}
        assert re.fullmatch(r'(?:[^<>]|<mark class="hl hl-term\d">|</mark>)*', html), html


@postgres_only
def test_did_you_mean_without_pg_trgm(app, ctx, member, monkeypatch):
    write(member, "Safeguarding training for tutor constables")
    indexed(app)
    monkeypatch.setattr(search_index(app), "_trigrams", False)
    assert search(fresh(member), "safegarding training").did_you_mean == "safeguarding training"
    monkeypatch.setattr(search_index(app), "_trigrams", True)
    assert search(fresh(member), "tutr").did_you_mean == "tutor"


@postgres_only
def test_indexers_on_several_hosts_index_every_event_once(app, ctx, member):
    ids = [write(member, f"Quartermaster stores audit {n}").id for n in range(40)]
    consumed: list[int] = []

    def indexer() -> None:
        for _ in range(20):
            consumed.append(search_index(app).drain(max_batches=1))

    threads = [threading.Thread(target=indexer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).where(Event.search_indexed.is_(False))) == 0
    assert sum(consumed) == db.session.scalar(select(func.count()).select_from(Event))
    rows = db.session.scalars(select(SearchDocument.item_id).where(SearchDocument.type == "post"))
    assert sorted(rows) == sorted(ids)
    assert search(fresh(member), "quartermaster", limit=50).total == 40
