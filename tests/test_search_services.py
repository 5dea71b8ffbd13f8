"""Searching through the service: the queries people type, relevance, filters and pagination."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from app.errors import ValidationError
from app.extensions import db
from app.models import Post
from app.posts.services import edit_post
from app.search.registry import tabs
from app.search.services import Filters, search
from tests import factories
from tests.search_helpers import found, fresh, indexed, reply, write

pytestmark = pytest.mark.usefixtures("search_backend")


def test_every_word_must_match(app, ctx, member):
    both = write(member, "New shift patterns start in March for response")
    write(member, "Shift swap board is on the intranet")
    write(member, "Patterns of anti-social behaviour in Eastport")
    indexed(app)
    assert found(member, "shift patterns") == [("post", both.id)]


def test_running_finds_run_and_runs(app, ctx, member):
    ids = {write(member, text).id for text in ("I run on Tuesdays", "She runs the desk", "Running late")}
    write(member, "Ran out of biscuits")
    indexed(app)
    for typed in ("running", "run", "runs", "RUNNING"):
        assert {i for _, i in found(member, typed)} == ids, typed


def test_a_quoted_phrase_needs_the_words_in_order(app, ctx, member):
    phrase = write(member, "Please read the stop and search guidance")
    write(member, "Search the guidance before you stop")
    indexed(app)
    assert found(member, '"stop and search"') == [("post", phrase.id)]
    assert len(found(member, "stop search")) == 2


def test_excluded_words_and_phrases(app, ctx, member):
    keep = write(member, "Rest days for B relief this month")
    write(member, "Rest days cancelled because of overtime")
    write(member, "Rest days and night shift swaps")
    indexed(app)
    assert found(member, 'rest days -overtime -"night shift"') == [("post", keep.id)]
    with pytest.raises(ValidationError) as error:
        search(fresh(member), "-overtime")
    assert "Add a word" in error.value.fields["q"]


def test_prefix_finds_word_starts(app, ctx, member):
    ids = {
        write(member, text).id for text in ("Police staff", "Neighbourhood policing plan", "The new policy")
    }
    write(member, "Polar bears")
    indexed(app)
    assert {i for _, i in found(member, "polic*")} == ids


def test_from_handle(app, ctx, member, leader):
    mine = write(member, "Wellbeing walk at lunchtime")
    write(leader, "Wellbeing survey results")
    indexed(app)
    assert found(member, f"wellbeing from:@{fresh(member).handle}") == [("post", mine.id)]
    assert found(member, "wellbeing", filters=Filters(author=fresh(member).handle)) == [("post", mine.id)]
    page = search(fresh(member), "wellbeing from:@nobody.here")
    assert page.hits == [] and page.notices == ["Nobody has the handle @nobody.here."]


def test_in_community_and_a_topic(app, ctx, member, admin):
    team = factories.make_community(fresh(member), name="Response Team")
    there = write(member, "Kit check on Sunday #kit", team)
    write(member, "Kit check on Sunday", None)
    write(member, "Kit amnesty #kit")
    indexed(app)
    assert found(member, "kit in:response-team") == [("post", there.id)]
    assert found(member, "kit", filters=Filters(community_id=team.id)) == [("post", there.id)]
    assert {i for _, i in found(member, "#kit")} == {there.id, found(member, "amnesty")[0][1]}
    assert found(member, "check #kit") == [("post", there.id)]
    page = search(fresh(member), "kit in:no-such-place")
    assert page.hits == [] and "couldn't find a community called “no-such-place”" in page.notices[0]


def test_date_range_and_newest_first(app, ctx, member):
    old = write(member, "Winter gritting routes published")
    new = write(member, "Winter gritting starts tonight")
    db.session.execute(
        update(Post).where(Post.id == old.id).values(created_at=datetime(2025, 1, 10, 9, tzinfo=UTC))
    )
    db.session.commit()
    edit_post(fresh(member), db.session.get(Post, old.id), "Winter gritting routes published (updated)")
    db.session.commit()
    indexed(app)
    assert found(member, "gritting", filters=Filters(sort="newest")) == [("post", new.id), ("post", old.id)]
    in_january = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 1, 10))
    assert found(member, "gritting", filters=in_january) == [("post", old.id)]
    assert found(member, "gritting", filters=Filters(date_to=date(2025, 1, 9))) == []


def test_relevance_favours_topics_and_recent_items(app, ctx, member):
    in_body = write(member, "Notes from the safeguarding meeting, with the safeguarding actions")
    as_topic = write(member, "Notes from the meeting #safeguarding")
    indexed(app)
    assert found(member, "safeguarding")[0] == ("post", as_topic.id)

    older = write(member, "Custody booking system outage")
    newer = write(member, "Custody booking system outage")
    a_year_ago = datetime.now(UTC) - timedelta(days=365)
    db.session.execute(update(Post).where(Post.id == older.id).values(created_at=a_year_ago))
    db.session.commit()
    edit_post(fresh(member), db.session.get(Post, older.id), "Custody booking system outage!")
    db.session.commit()
    indexed(app)
    assert found(member, "custody outage") == [("post", newer.id), ("post", older.id)]
    assert in_body.id in {i for _, i in found(member, "safeguarding")}


def test_cursor_pages_cover_every_result_once(app, ctx, member):
    ids = {write(member, f"Airwave radio handset {n}").id for n in range(45)}
    indexed(app)
    seen, cursor, pages = [], None, 0
    while True:
        page = search(fresh(member), "airwave", cursor=cursor)
        seen += [s.item.id for s in page.hits]
        pages += 1
        assert page.total == 45
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert pages == 3 and len(seen) == 45 and set(seen) == ids


def test_replies_are_found_and_link_to_their_place_in_the_thread(app, ctx, member, leader):
    post = write(member, "Who has the spare defibrillator?")
    answer = reply(leader, post, "The defibrillator is in the Harbourside kitchen")
    indexed(app)
    page = search(fresh(member), "defibrillator kitchen")
    assert [(s.type.name, s.item.id) for s in page.hits] == [("reply", answer.id)]
    with app.test_request_context():
        assert page.hits[0].item.url == f"/posts/{post.id}#reply-{answer.id}"
    assert "<mark" in page.hits[0].snippet and page.hits[0].item.author.id == leader.id


def test_an_edit_is_reindexed_from_the_event_log(app, ctx, member):
    post = write(member, "Canteen closed on Monday")
    indexed(app)
    edit_post(fresh(member), db.session.get(Post, post.id), "Canteen open as usual on Monday")
    db.session.commit()
    assert found(member, "closed") == [("post", post.id)]  # not yet: the request didn't touch Whoosh
    indexed(app)
    assert found(member, "closed") == []
    assert found(member, "open canteen") == [("post", post.id)]


def test_snippets_are_escaped_with_the_matches_marked(app, ctx, member):
    write(
        member,
        "Ignore <script>alert(1)</script> and read the wellbeing <b>guide</b> " + "before your shift " * 8,
    )
    write(member, "Short <i>wellbeing</i> note")
    indexed(app)
    long, short = sorted(search(fresh(member), "wellbeing").hits, key=lambda s: -len(s.item.text))
    for html in (str(long.snippet), str(long.title), str(short.title)):
        assert "<script" not in html and "<b>" not in html and "<i>" not in html
        assert re.search(r'<mark class="hl hl-term\d">wellbeing</mark>', html), html
    assert "&lt;script" in str(long.snippet)
    assert str(short.snippet) == ""  # a short post is all title: not said twice


def test_people_and_communities_tabs(app, ctx, member, admin):
    from app.admin.services import deactivate
    from app.people.services import update_profile

    colleague = factories.make_user(name="Priya Nair", job_title="Sergeant, Professional Standards")
    community = factories.make_community(
        fresh(member), name="Fleet and Kit", description="Vehicles and radios"
    )
    indexed(app)
    assert found(member, "priya", "people") == [("person", colleague.id)]
    assert found(member, "sergeant standards", "people") == [("person", colleague.id)]
    assert found(member, "radios", "communities") == [("community", community.id)]
    page = search(fresh(member), "priya", "posts")
    assert page.counts == dict.fromkeys(tabs(), 0) | {"people": 1}

    update_profile(fresh(colleague), name="Priya Nair-Jones", job_title="Inspector")
    db.session.commit()
    indexed(app)
    assert found(member, "jones", "people") == [("person", colleague.id)]
    assert found(member, "sergeant", "people") == []
    deactivate(fresh(admin), fresh(colleague))
    db.session.commit()
    indexed(app)
    assert found(member, "priya", "people") == []


def test_did_you_mean(app, ctx, member):
    write(member, "Safeguarding training for tutor constables")
    indexed(app)
    page = search(fresh(member), "safegarding training")
    assert page.hits == [] and page.did_you_mean == "safeguarding training"
    assert search(fresh(member), "safeguarding").did_you_mean is None
    assert search(fresh(member), "zzqxv").did_you_mean is None


def test_unknown_tab_bad_filters_and_an_empty_search(app, ctx, member):
    with pytest.raises(ValidationError) as error:
        search(fresh(member), "kit", "gossip")
    assert "Choose one of: posts, people, communities" in error.value.fields["type"]
    with pytest.raises(ValidationError):
        search(fresh(member), "kit", filters=Filters(community_id=2_000_000))
    page = search(fresh(member), "   ")
    assert page.hits == [] and page.total == 0 and page.counts == {}
