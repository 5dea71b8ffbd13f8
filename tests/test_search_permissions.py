"""Nobody sees a result, snippet, count or suggestion from a community they can't read, nor removed
content: checked with the intruder through the service, the page, the API and autocomplete."""

import pytest
from sqlalchemy import update

from app.communities.services import update_community
from app.extensions import db
from app.models import Community, Post, Reply
from app.posts.replies import delete_reply
from app.posts.services import delete_post
from app.search.services import search
from tests import factories
from tests.api_helpers import api_factory  # noqa: F401
from tests.search_helpers import found, fresh, indexed, reply, write

pytestmark = pytest.mark.usefixtures("search_backend")

HIDDEN_WORDS = ("marigold", "hollyhock", "nightjar", "foxglove", "Comms Planning Cell", "Operation Nightjar")
MISSPELT = ("marigld", "hollyhok", "nightjr", "foxglov")


@pytest.fixture
def world(app, comms, member, leader, intruder):
    """A private and a secret community, with posts and replies using words found nowhere else."""
    with app.app_context():
        private = factories.make_community(
            fresh(comms), "private", name="Comms Planning Cell", members=[fresh(member)]
        )
        secret = factories.make_community(
            fresh(comms), "secret", name="Operation Nightjar", members=[fresh(leader)]
        )
        public = write(member, "Bluebell walk for the wellbeing champions")
        marigold = write(comms, "Marigold campaign launch plan", private)
        hollyhock = reply(member, marigold, "Hollyhock is the codename for the press line")
        nightjar = write(leader, "Nightjar surveillance briefing #ops", secret)
        foxglove = reply(comms, nightjar, "Foxglove warrant tomorrow")
        indexed(app)
        return {
            "private": private.id,
            "secret": secret.id,
            "public": public.id,
            "marigold": marigold.id,
            "hollyhock": hollyhock.id,
            "nightjar": nightjar.id,
            "foxglove": foxglove.id,
        }


def test_the_intruder_finds_nothing_counts_nothing_and_gets_no_suggestion(app, ctx, world, intruder):
    for word in ("marigold", "hollyhock", "nightjar", "foxglove", "surveillance", "codename", "#ops"):
        for tab in ("posts", "people", "communities"):
            page = search(fresh(intruder), word, tab)
            assert page.hits == [] and page.total == 0, (word, tab)
            assert set(page.counts.values()) == {0}, (word, page.counts)
    for word in MISSPELT:
        assert search(fresh(intruder), word).did_you_mean is None, word
    assert found(intruder, "bluebell") == [("post", world["public"])]
    # A private community is listed (its name is not secret); a secret one doesn't exist for them.
    assert found(intruder, "comms planning", "communities") == [("community", world["private"])]
    assert found(intruder, "operation", "communities") == []
    page = search(fresh(intruder), f"briefing in:{'operation-nightjar'}")
    assert page.notices == ["We couldn't find a community called “operation-nightjar”."]
    page = search(fresh(intruder), "campaign in:comms-planning-cell")
    assert page.hits == [] and page.notices == [
        "Only members can search what's posted in Comms Planning Cell."
    ]


def test_members_and_admins_see_what_they_may(app, ctx, world, member, leader, admin):
    assert found(member, "marigold") == [("post", world["marigold"])]
    assert found(member, "hollyhock") == [("reply", world["hollyhock"])]
    assert found(member, "nightjar") == []
    assert search(fresh(member), "marigld").did_you_mean == "marigold"
    assert search(fresh(member), "nightjr").did_you_mean is None
    assert found(leader, "nightjar") == [("post", world["nightjar"])]
    assert search(fresh(leader), "nightjr").did_you_mean == "nightjar"
    assert found(leader, "operation", "communities") == [("community", world["secret"])]
    assert found(admin, "marigold") == [("post", world["marigold"])]
    assert found(admin, "foxglove") == [("reply", world["foxglove"])]


def test_the_page_api_and_autocomplete_leak_nothing_to_the_intruder(app, client, login, api, world, intruder):
    login(intruder)
    bodies = []
    for q in ("marigold", "hollyhock", "nightjar", "foxglove", "operation", "comms", *MISSPELT):
        for tab in ("posts", "people", "communities"):
            response = client.get("/search", query_string={"q": q, "type": tab})
            assert response.status_code == 200
            bodies.append((q, response.get_data(as_text=True)))
        response = api(intruder, "read").get(f"/search?q={q}")
        assert response.status_code == 200 and response.get_json()["items"] == []
        assert response.get_json()["total"] == 0 and response.get_json()["did_you_mean"] is None
        suggestions = client.get("/search/suggest", query_string={"q": q}).get_json()
        assert "Nightjar" not in str(suggestions), q
        bodies.append((q, str(suggestions)))
    for q, body in bodies:
        others = [w for w in HIDDEN_WORDS if w.lower() != q and w != "Comms Planning Cell"]
        assert not [w for w in others if w in body], (q, [w for w in others if w in body])
        assert "Did you mean" not in body
    comms = client.get("/search/suggest", query_string={"q": "comms"}).get_json()
    assert [c["name"] for c in comms["communities"]] == ["Comms Planning Cell"]  # listed, not secret
    assert client.get("/search/suggest", query_string={"q": "oper"}).get_json()["communities"] == []


def test_a_stale_index_never_shows_what_the_database_now_hides(app, ctx, world, member, intruder, admin):
    # Changed behind the index's back (no event): the database re-check drops the hit.
    db.session.execute(update(Post).where(Post.id == world["public"]).values(status="hidden"))
    db.session.commit()
    assert found(intruder, "bluebell") == [] and found(member, "bluebell") == []
    db.session.execute(update(Post).where(Post.id == world["public"]).values(status="visible"))
    db.session.commit()
    # A community made secret: its items vanish for non-members at once, before any re-indexing,
    # because the scope is worked out from the database on every search.
    team = factories.make_community(fresh(admin), name="Kit Store")
    kit = write(admin, "Tourniquet restock at the kit store", team)
    indexed(app)
    assert found(intruder, "tourniquet") == [("post", kit.id)]
    update_community(fresh(admin), db.session.get(Community, team.id), "Kit Store", "", "secret")
    db.session.commit()
    assert found(intruder, "tourniquet") == [] and found(intruder, "kit store", "communities") == []
    counts = search(fresh(intruder), "tourniquet").counts
    assert {"posts", "people", "communities"} <= set(counts) and set(counts.values()) == {0}
    indexed(app)
    assert found(intruder, "tourniquet") == [] and found(admin, "tourniquet") == [("post", kit.id)]


def test_removed_held_and_hidden_items_are_never_found_even_by_their_author(
    app, ctx, world, member, comms, moderator
):
    delete_reply(fresh(comms), db.session.get(Reply, world["hollyhock"]))
    db.session.commit()
    indexed(app)
    assert found(member, "hollyhock") == []
    delete_post(fresh(comms), db.session.get(Post, world["marigold"]))
    db.session.commit()
    indexed(app)
    assert found(comms, "marigold") == []
    held = write(member, "Holding pattern for the staffing rota")
    indexed(app)
    db.session.execute(update(Post).where(Post.id == held.id).values(status="held"))
    db.session.commit()
    for person in (member, moderator):  # feeds show held posts to these two; search never does
        assert found(person, "staffing rota") == []


def test_deleting_a_post_takes_its_replies_out_of_the_index(app, ctx, world, comms, leader):
    from app.search.check import indexed_stamps
    from app.search.index import search_index

    delete_post(fresh(leader), db.session.get(Post, world["nightjar"]))
    db.session.commit()
    indexed(app)
    assert found(comms, "foxglove") == []
    keys = {f"{name}:{i}" for name, items in indexed_stamps(search_index(app)).items() for i in items}
    assert f"reply:{world['foxglove']}" not in keys and f"post:{world['nightjar']}" not in keys


def test_nothing_is_counted_when_nothing_the_viewer_may_read_is_indexed(app, ctx, comms, member, intruder):
    # Whoosh reads an empty allow set as "no filter": the intruder, whose communities held nothing
    # indexed, was told the private post's count (1) before restrictions() allowed an impossible one.
    private = factories.make_community(fresh(comms), "private", name="Cell", members=[fresh(member)])
    write(comms, "Marigold campaign launch", private)
    indexed(app)
    page = search(fresh(intruder), "marigold")
    assert page.hits == [] and page.total == 0 and set(page.counts.values()) == {0}
    assert search(fresh(intruder), "marigld").did_you_mean is None
    assert found(member, "marigold") != []
