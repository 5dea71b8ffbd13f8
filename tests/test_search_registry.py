"""A feature registers its own searchable type in a few lines (as links and sessions will): it gets a
tab, the API's ?type=, indexing from the event log and the permission checks; an anonymous item
never reveals its author."""

from collections.abc import Sequence

import pytest
from sqlalchemy import select, update

from app import events
from app.extensions import db
from app.models import Post, User
from app.permissions import searchable_posts
from app.sanitize import plain_text
from app.search import registry
from app.search.registry import Doc, Result, SearchType, events_named
from tests import factories
from tests.api_helpers import api_factory  # noqa: F401
from tests.search_helpers import found, fresh, indexed, write

pytestmark = pytest.mark.usefixtures("search_backend")


def question_documents(ids: Sequence[int]) -> dict[int, Doc]:
    rows = db.session.scalars(
        select(Post).where(Post.id.in_(ids), Post.kind == "suggestion", Post.status == "visible")
    )
    return {
        p.id: Doc(
            id=p.id,
            title=plain_text(p.body_source, 80),
            body=p.body_source,
            community_id=p.community_id,
            created_at=p.created_at,
        )  # no author_id: the question is anonymous
        for p in rows.unique()
    }


def visible_questions(viewer: User, ids: Sequence[int]) -> dict[int, Result]:
    rows = db.session.scalars(searchable_posts(viewer).where(Post.id.in_(ids), Post.kind == "suggestion"))
    return {
        p.id: Result(
            id=p.id,
            title=plain_text(p.body_source, 80),
            text=p.body_source,
            endpoint="posts.thread",
            values={"post_id": p.id},
            created_at=p.created_at,
            community=p.community,
        )
        for p in rows.unique()
    }


QUESTIONS = SearchType(
    name="suggestion",
    tab="suggestions",
    tab_label="Suggestion box",
    label="Suggestion",
    documents=question_documents,
    all_ids=lambda: select(Post.id).where(Post.kind == "suggestion", Post.status == "visible"),
    changed_ids=lambda batch: events_named(batch, "post_", "post_id"),
    load=visible_questions,
    post_kinds=("suggestion",),
    order=900,
)


@pytest.fixture
def questions(monkeypatch):
    """The questions type, registered for one test."""
    monkeypatch.setitem(registry._types, "suggestion", QUESTIONS)
    return QUESTIONS


def _ask(app, author: User, body: str, community=None) -> int:
    with app.app_context():
        post = write(author, body, community)
        db.session.execute(update(Post).where(Post.id == post.id).values(kind="suggestion"))
        events.record("post_updated", actor=fresh(author), community_id=post.community_id, post_id=post.id)
        db.session.commit()
        indexed(app)
        return post.id


def test_a_registered_type_gets_a_tab_and_is_indexed_from_the_event_log(
    app, client, login, api, questions, member
):
    asked = _ask(app, member, "Why are rest days cancelled so often in summer?")
    assert list(registry.tabs())[:3] == ["posts", "people", "communities"]
    assert list(registry.tabs())[-1] == "suggestions"
    with app.app_context():
        assert found(member, "rest days", "suggestions") == [("suggestion", asked)]
        assert found(member, "rest days", "posts") == []  # the posts type leaves claimed kinds alone
    login(member)
    html = client.get("/search?q=rest+days&type=suggestions").get_data(as_text=True)
    assert "Suggestion box" in html and f'href="/posts/{asked}"' in html
    body = api(member, "read").get("/search?q=summer&type=suggestions").get_json()
    assert [(i["type"], i["id"]) for i in body["items"]] == [("suggestion", asked)]


def test_an_anonymous_item_never_names_its_author(app, client, login, api, questions, member, leader):
    asked = _ask(app, member, "Will the canteen reopen at Northgate?")
    with app.app_context():
        handle = fresh(member).handle
        assert found(leader, f"canteen from:@{handle}", "suggestions") == []
        assert found(leader, "canteen", "suggestions") == [("suggestion", asked)]
    login(leader)
    html = client.get("/search?q=canteen&type=suggestions").get_data(as_text=True)
    assert "Anonymous" in html and "Morgan Member" not in html and handle not in html
    item = api(leader, "read").get("/search?q=canteen&type=suggestions").get_json()["items"][0]
    assert item["author"] is None


def test_a_registered_type_is_scoped_like_everything_else(app, questions, comms, member, intruder):
    with app.app_context():
        private = factories.make_community(
            fresh(comms), "private", name="Leadership Q and A", members=[fresh(member)]
        )
    asked = _ask(app, member, "Is the estates review going to close Ashby Cross?", private)
    with app.app_context():
        assert found(member, "ashby", "suggestions") == [("suggestion", asked)]
        assert found(intruder, "ashby", "suggestions") == []


def test_types_in_one_tab_must_share_a_scope(questions):
    from dataclasses import replace

    from app.permissions import listed_community_ids

    with pytest.raises(ValueError, match="share the suggestions tab but not a scope"):
        registry.register_type(replace(QUESTIONS, name="other_suggestion", scope=listed_community_ids))
    assert "other_suggestion" not in registry._types
