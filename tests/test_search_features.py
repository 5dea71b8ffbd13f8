"""Curated links, lunch-and-learn sessions and proposals in search: each in its own tab, linking to the
item, indexed, re-indexed and removed through the event log, and never found (nor counted, cut into
a snippet or suggested) by someone outside the community it was shared in."""

import pytest

from app.extensions import db
from app.learning.services import cancel_session, update_session
from app.links.services import LinkDraft, share_link
from app.models import LearningSession, Post, Proposal
from app.posts.services import delete_post, edit_post
from app.proposals.services import edit_proposal
from app.proposals.stages import move
from app.search.services import search
from tests import factories
from tests.api_helpers import api_factory  # noqa: F401
from tests.learning.helpers import inputs, schedule
from tests.proposal_helpers import channels_fixture, make_proposal, proposal_input  # noqa: F401
from tests.search_helpers import found, fresh, indexed

HIDDEN = ("kingfisher", "wagtail", "heronry")  # one word each, found nowhere else
MISSPELT = ("kingfisherr", "wagtial", "heronyr")


def _share(curator, community_ids=(), **fields):
    fields.setdefault("url", "https://www.college.police.uk/article/social-media")
    fields.setdefault("why", "Our neighbourhood teams asked how other forces do this.")
    links = share_link(fresh(curator), LinkDraft(community_ids=list(community_ids), **fields))
    db.session.commit()
    return links[0]


@pytest.fixture
def world(app, comms, member, leader, channels):
    """A link, a session and a proposal in a private community, one of each in a secret one, and a
    public link; each uses words found nowhere else."""
    with app.app_context():
        private = factories.make_community(
            fresh(comms), "private", name="Digital team", members=[fresh(member)]
        )
        secret = factories.make_community(fresh(comms), "secret", name="Covert unit", members=[fresh(leader)])
        link = _share(
            comms, [private.id], title="Kingfisher: a social media playbook", summary="Seven lessons"
        )
        items = {
            "link": link.id,
            "link_post": link.post_id,
            "secret_link": _share(
                comms,
                [secret.id],
                url="https://example.org/x",
                title="Secret heronry tactics",
                why="Read it.",
            ).id,
            "public_link": _share(
                comms, url="https://example.org/open", title="Open data for neighbourhoods", why="Ideas #data"
            ).id,
        }
    items["session"] = schedule(app, comms, title="Wagtail storytelling", community_id=private.id)
    items["secret_session"] = schedule(app, comms, title="Heronry briefing", community_id=secret.id)
    proposal = make_proposal(
        app, comms, channels["x"], community_id=private.id, draft="Kingfisher week: meet your PCSO team"
    )
    secret_proposal = make_proposal(
        app, comms, channels["x"], community_id=secret.id, draft="Heronry appeal for witnesses"
    )
    with app.app_context():
        items["session_post"] = db.session.get(LearningSession, items["session"]).post_id
        indexed(app)
    return items | {"proposal": proposal, "secret_proposal": secret_proposal, "private": private.id}


def test_the_intruder_finds_counts_and_is_suggested_nothing(app, ctx, world, intruder):
    for word in (*HIDDEN, "playbook", "storytelling", "pcso", "covert"):
        for tab in ("posts", "links", "sessions", "proposals"):
            page = search(fresh(intruder), word, tab)
            assert page.hits == [] and page.total == 0, (word, tab)
            assert set(page.counts.values()) == {0}, (word, page.counts)
    for word in MISSPELT:
        for tab in ("posts", "links", "sessions", "proposals"):
            assert search(fresh(intruder), word, tab).did_you_mean is None, (word, tab)
    assert found(intruder, "neighbourhoods", "links") == [("link", world["public_link"])]


def test_members_find_each_type_in_its_own_tab(app, ctx, world, member, leader):
    assert found(member, "kingfisher", "links") == [("link", world["link"])]
    assert found(member, "wagtail", "sessions") == [("session", world["session"])]
    assert found(member, "kingfisher", "proposals") == [("proposal", world["proposal"])]
    assert found(member, "kingfisher", "posts") == [] and found(member, "wagtail", "posts") == []
    counts = search(fresh(member), "kingfisher").counts
    assert (counts["links"], counts["proposals"], counts["sessions"], counts["posts"]) == (1, 1, 0, 0)
    assert search(fresh(member), "wagtial", "sessions").did_you_mean == "wagtail"
    assert found(member, "heronry", "links") == [] and found(member, "heronry", "sessions") == []
    # The secret community's member finds its items; the link's topic and source are indexed too.
    assert found(leader, "heronry", "links") == [("link", world["secret_link"])]
    assert found(leader, "heronry", "sessions") == [("session", world["secret_session"])]
    assert found(leader, "heronry", "proposals") == [("proposal", world["secret_proposal"])]
    assert found(member, "#data", "links") == [("link", world["public_link"])]
    assert found(member, "college", "links") == [("link", world["link"])]


def test_the_tabs_on_the_page_and_the_api_link_to_the_items(app, client, login, api, world, member, intruder):
    link_id, session_id = world["link"], world["session"]
    login(member)
    html = client.get("/search?q=kingfisher&type=links").get_data(as_text=True)
    assert "Curated links" in html and "Lunch-and-learn sessions" in html and "Proposals" in html
    assert f'href="/posts/{world["link_post"]}"' in html and "from college.police.uk" in html
    html = client.get("/search?q=wagtail&type=sessions").get_data(as_text=True)
    assert f'href="/sessions/{session_id}"' in html and "hosted by Casey Comms" in html
    html = client.get("/search?q=pcso&type=proposals").get_data(as_text=True)
    assert f'href="/proposals/{world["proposal"]}"' in html and "Idea · for X" in html
    body = api(member, "read").get("/search?q=kingfisher&type=links").get_json()
    assert [(i["type"], i["id"]) for i in body["items"]] == [("link", link_id)]
    assert body["items"][0]["url"].endswith(f"/posts/{world['link_post']}")
    assert body["items"][0]["community"]["id"] == world["private"]
    login(intruder)
    for q in (*HIDDEN, *MISSPELT):
        for tab in ("links", "sessions", "proposals"):
            text = client.get("/search", query_string={"q": q, "type": tab}).get_data(as_text=True)
            assert not [w for w in HIDDEN if w in text.replace(q, "")], (q, tab)
            assert "Did you mean" not in text
        body = api(intruder, "read").get(f"/search?q={q}&type=links").get_json()
        assert body["items"] == [] and body["total"] == 0 and body["did_you_mean"] is None


def test_links_are_reindexed_and_removed_through_the_event_log(app, ctx, world, comms, member):
    edit_post(fresh(comms), db.session.get(Post, world["link_post"]), "Bring this to the dotterel workshop")
    db.session.commit()
    assert found(member, "dotterel", "links") == []
    indexed(app)
    assert found(member, "dotterel", "links") == [("link", world["link"])]
    assert found(member, "kingfisher", "links") == [("link", world["link"])]  # the title stays
    db.session.rollback()
    delete_post(fresh(comms), db.session.get(Post, world["link_post"]))
    db.session.commit()
    indexed(app)
    assert (
        found(member, "kingfisher", "links") == [] and search(fresh(member), "dotterel", "links").total == 0
    )


def test_sessions_are_reindexed_when_changed_and_removed(app, ctx, world, comms, member):
    session = db.session.get(LearningSession, world["session"])
    update_session(
        fresh(comms),
        session,
        inputs(
            title="Wagtail storytelling, part two",
            description="Now with plover case studies",
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            community_id=world["private"],
        ),
    )
    db.session.commit()
    indexed(app)
    assert found(member, "plover", "sessions") == [("session", world["session"])]
    db.session.rollback()
    cancel_session(fresh(comms), db.session.get(LearningSession, session.id))
    db.session.commit()
    indexed(app)
    # A cancelled session stays listed (as the sessions pages keep it), and says so.
    [hit] = search(fresh(member), "plover", "sessions").hits
    assert hit.item.context.startswith("Cancelled")
    db.session.rollback()
    delete_post(fresh(comms), db.session.get(Post, world["session_post"]))
    db.session.commit()
    indexed(app)
    assert found(member, "plover", "sessions") == [] and found(member, "wagtail", "sessions") == []


def test_proposals_are_reindexed_when_edited_and_removed_when_withdrawn(
    app, ctx, world, comms, member, channels
):
    proposal = db.session.get(Proposal, world["proposal"])
    edit_proposal(
        fresh(comms), proposal, proposal_input(channels["x"], draft="Kingfisher week: meet the avocet team")
    )
    db.session.commit()
    indexed(app)
    assert found(member, "avocet", "proposals") == [("proposal", world["proposal"])]
    assert found(member, "pcso", "proposals") == []
    db.session.rollback()
    move(fresh(comms), db.session.get(Proposal, world["proposal"]), "withdrawn", reason="Not now")
    db.session.commit()
    indexed(app)
    assert (
        found(member, "avocet", "proposals") == [] and search(fresh(member), "avocet", "proposals").total == 0
    )
