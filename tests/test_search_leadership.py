"""Leadership updates and Ask leadership in search: an update is found only by its audience (never its
snippet, count or "did you mean" outside it), its replies likewise, and an anonymous question never
names its asker."""

import pytest
from sqlalchemy import delete

from app.extensions import db
from app.leadership.questions import answer, ask, remove
from app.leadership.updates import publish_update
from app.models import Membership, Post, Question, Reply
from app.posts.replies import delete_reply
from app.posts.services import delete_post, edit_post
from app.search.services import search
from tests import factories
from tests.api_helpers import api_factory  # noqa: F401
from tests.search_helpers import found, fresh, indexed, reply, write

SECRET_WORDS = ("zeppelin", "quillwort", "restructure", "#restructure")
MISSPELT = ("zepelin", "quilwort")


@pytest.fixture
def update_world(app, comms, leader, member, intruder):
    """An update to the Operations unit and a private community (with a reply), and one to everyone."""
    with app.app_context():
        write(member, "Car park resurfacing on Monday")  # so an update's id differs from its post's
        ops = factories.make_unit("Operations")
        north = factories.make_unit("Response North", parent=ops)
        insider = factories.make_user(name="Nia North", unit=north)
        senior = factories.make_community(fresh(comms), "private", "Senior team", [fresh(member)])
        narrow = publish_update(
            fresh(comms),
            title="Zeppelin restructure of Operations",
            body="The zeppelin plan: Operations restructure details #restructure",
            leader_id=leader.id,
            everyone=False,
            community_ids=[senior.id],
            unit_ids=[ops.id],
        )
        wide = publish_update(
            fresh(comms),
            title="Winter driving",
            body="Winter tyres for every response car",
            leader_id=leader.id,
        )
        db.session.commit()
        answered = reply(insider, narrow.post, "Quillwort is the name of the new shift pattern")
        indexed(app)
        return {
            "narrow": narrow.post_id,
            "narrow_id": narrow.id,
            "wide": wide.post_id,
            "wide_id": wide.id,
            "reply": answered.id,
            "insider": insider,
            "senior": senior.id,
        }


def _nothing_anywhere(viewer, words=SECRET_WORDS, misspelt=MISSPELT):
    for word in words:
        for tab in ("posts", "updates", "questions"):
            page = search(fresh(viewer), word, tab)
            assert page.hits == [] and page.total == 0, (word, tab)
            assert set(page.counts.values()) == {0}, (word, page.counts)
    for word in misspelt:
        for tab in ("posts", "updates"):
            assert search(fresh(viewer), word, tab).did_you_mean is None, (word, tab)


def test_an_update_post_never_leaks_through_the_posts_tab(app, ctx, update_world, intruder):
    # Failed before update posts had a type of their own: the intruder found the update's text (and
    # its count) under Posts and replies, because its post lives in All staff.
    _nothing_anywhere(intruder)


def test_only_the_audience_finds_an_update_and_its_replies(
    app, ctx, update_world, intruder, member, leader, comms, admin
):
    narrow_id, reply_id = update_world["narrow_id"], update_world["reply"]
    # The unit below Operations, the private community's member, its leader, poster and admins.
    for viewer in (update_world["insider"], member, leader, comms, admin):
        assert found(viewer, "zeppelin", "updates") == [("update", narrow_id)], viewer
        assert found(viewer, "quillwort", "updates") == [("update_reply", reply_id)], viewer
        assert search(fresh(viewer), "zepelin", "updates").did_you_mean == "zeppelin"
        assert found(viewer, "quillwort", "posts") == []  # its replies are in the update's tab
    item = search(fresh(member), "zeppelin", "updates").hits[0].item
    assert (item.id, item.endpoint, item.values) == (
        narrow_id,
        "leadership.update_page",
        {"update_id": narrow_id},
    )
    assert item.author.id == leader.id and item.community is None
    # An update to everyone is found by everyone, the intruder included.
    assert found(intruder, "winter tyres", "updates") == [("update", update_world["wide_id"])]
    assert search(fresh(intruder), "tyres").counts["updates"] == 1


def test_joining_or_leaving_the_audience_changes_what_search_finds_at_once(app, ctx, update_world, intruder):
    db.session.add(Membership(community_id=update_world["senior"], user_id=intruder.id, role="member"))
    db.session.commit()
    assert found(intruder, "zeppelin", "updates") == [("update", update_world["narrow_id"])]
    db.session.execute(delete(Membership).where(Membership.user_id == intruder.id))
    db.session.commit()
    _nothing_anywhere(intruder)


def test_updates_and_their_replies_are_reindexed_and_removed_through_the_event_log(
    app, ctx, update_world, leader, member
):
    post = db.session.get(Post, update_world["narrow"])
    edit_post(fresh(leader), post, "The airship plan replaces the old one")
    db.session.commit()
    assert found(member, "airship", "updates") == []  # not indexed until the indexer runs
    indexed(app)
    assert found(member, "airship", "updates") == [("update", update_world["narrow_id"])]
    assert found(member, "plan", "updates") == [("update", update_world["narrow_id"])]
    db.session.rollback()  # end the read snapshot before writing (SQLite)
    delete_reply(fresh(update_world["insider"]), db.session.get(Reply, update_world["reply"]))
    db.session.commit()
    indexed(app)
    assert found(member, "quillwort", "updates") == []
    db.session.rollback()
    delete_post(fresh(leader), db.session.get(Post, update_world["narrow"]))
    db.session.commit()
    indexed(app)
    assert (
        found(member, "airship", "updates") == [] and search(fresh(member), "airship", "updates").total == 0
    )


def test_the_updates_tab_on_the_page_and_the_api(app, client, login, api, update_world, member, intruder):
    login(member)
    html = client.get("/search?q=zeppelin&type=updates").get_data(as_text=True)
    assert "Leadership updates" in html and f'href="/leadership/updates/{update_world["narrow_id"]}"' in html
    assert "<mark" in html and "To chosen communities and units" in html
    body = api(member, "read").get("/search?q=quillwort&type=updates").get_json()
    assert [(i["type"], i["id"]) for i in body["items"]] == [("update_reply", update_world["reply"])]
    assert body["items"][0]["url"].endswith(f"/posts/{update_world['narrow']}#reply-{update_world['reply']}")
    login(intruder)
    for q in ("zeppelin", "quillwort", *MISSPELT):
        for tab in ("posts", "updates"):
            text = client.get("/search", query_string={"q": q, "type": tab}).get_data(as_text=True)
            assert "eppelin" not in text.replace(q, "") and "uillwort" not in text.replace(q, ""), (q, tab)
            assert "Did you mean" not in text
        body = api(intruder, "read").get(f"/search?q={q}&type=updates").get_json()
        assert body["items"] == [] and body["total"] == 0 and body["did_you_mean"] is None


@pytest.fixture
def asked(app, member, leader):
    """An anonymous and a named question to the leader."""
    with app.app_context():
        secret = ask(fresh(member), leader.id, "Will the canteen at Northgate reopen?", anonymous=True)
        named = ask(fresh(member), leader.id, "When does the kit store open on Sundays?")
        db.session.commit()
        indexed(app)
        return {"anonymous": secret.id, "named": named.id}


def test_an_anonymous_question_never_names_its_asker(app, client, login, api, asked, member, leader, admin):
    with app.app_context():
        handle = fresh(member).handle
        for viewer in (leader, admin, member):
            assert found(viewer, f"canteen from:@{handle}", "questions") == []
            assert found(viewer, "canteen", "questions") == [("question", asked["anonymous"])]
        assert found(leader, f"kit store from:@{handle}", "questions") == [("question", asked["named"])]
        item = search(fresh(admin), "canteen", "questions").hits[0].item
        assert item.author is None and item.values == {"question_id": asked["anonymous"]}
    login(admin)
    html = client.get("/search?q=canteen&type=questions").get_data(as_text=True)
    assert "Anonymous" in html and "Morgan Member" not in html and handle not in html
    assert "Asked of Lee Leader" in html
    item = api(leader, "read").get("/search?q=northgate&type=questions").get_json()["items"][0]
    assert item["author"] is None and item["type"] == "question"


def test_questions_are_reindexed_when_answered_and_removed(app, ctx, asked, leader, moderator, intruder):
    question = db.session.get(Question, asked["anonymous"])
    answer(fresh(leader), question, "Yes: the refit finishes in March")
    db.session.commit()
    indexed(app)
    assert found(intruder, "refit", "questions") == [("question", asked["anonymous"])]
    db.session.rollback()
    remove(fresh(moderator), db.session.get(Question, asked["anonymous"]), "Duplicate")
    db.session.commit()
    indexed(app)
    assert found(intruder, "refit", "questions") == [] and found(intruder, "canteen", "questions") == []
