"""The curated-links and sessions sections, and the per-objective session and click figures, against
the hand-computed additions in tests/insights_fixture.py (LINKS_AND_SESSIONS)."""

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.insights.filters import Filters
from app.insights.sections import build_section, section_names
from app.models import Unit, User, utcnow
from tests.insights_fixture import START, E, build, build_links_and_sessions

pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture
def org(app):
    """The fixture organisation with its links and sessions, seen by Lee Leader."""
    built = build()
    built |= build_links_and_sessions(built)
    built["viewer"] = db.session.get(User, built["viewer_id"])
    built["filters"] = Filters(start=START, end=E)
    with app.test_request_context():
        yield built


def section(org, name, filters=None, minimum=5):
    return build_section(name, filters or org["filters"], org["viewer"], minimum)


def rows(table, *keys):
    return [tuple(r.get(k) for k in ("label", *keys)) for r in table.rows]


def test_links_and_sessions_come_after_the_updates():
    assert section_names()[5:8] == ["updates", "links", "sessions"]


def test_gems_count_clicks_saves_and_reactions_in_the_range_and_combine_small_audiences(org):
    links = section(org, "links")
    gems = links.table("link_gems")
    assert rows(gems, "curator", "shared", "clicks", "clickers", "saves", "reactions") == [
        ("Stop and search explained", "Bea Two", E - timedelta(days=20), 4, 3, 2, 1),
        ("Neighbourhood priorities survey", "Alex One", E - timedelta(days=100), 1, 1, 0, 0),
        # G2 and G5 went only to Wellbeing (4 people): shown together, never alone
        ("Links seen by under 5 people (2 combined)", None, None, 2, None, 1, 0),
    ]
    assert "Range safety rules" not in str(gems.rows)  # Firearms is secret and Lee isn't in it
    t = gems.total
    assert (t["clicks"], t["clickers"], t["saves"], t["reactions"]) == (7, 6, 3, 1)
    assert links.figures == [
        ("Links shared", "3"),
        ("Clicks", "7"),
        ("People who clicked", "6"),
        ("Saves", "3"),
    ]
    assert "Clicks on the most clicked links" in links.charts[0]


def test_links_per_curator(org):
    curators = section(org, "links").table("link_curators")
    assert rows(curators, "gems", "clicks", "clickers", "saves", "reactions") == [
        ("Bea Two", 3, 6, 5, 3, 1),
        ("Alex One", 0, 1, 1, 0, 0),
    ]  # Bea Three shared only in Firearms


def test_a_unit_filter_counts_only_what_its_people_did(org):
    unit = db.session.get(Unit, org["units"]["Control Room"])
    filters = Filters(start=START, end=E, unit=unit, unit_ids=frozenset({unit.id}))
    links = section(org, "links", filters)
    assert rows(links.table("link_gems"), "clicks", "clickers", "saves", "reactions")[0] == (
        "Stop and search explained",
        2,
        1,
        0,
        1,
    )
    sessions = section(org, "sessions", filters)
    [s1] = [r for r in sessions.table("sessions").rows if not r.get("combined")]
    assert (s1["going"], s1["maybe"], s1["attended"], s1["ratings"], s1["rating"]) == (1, 1, 1, 1, 4.0)


def test_sessions_rsvps_attendance_and_rating(org):
    sessions = section(org, "sessions")
    table = sessions.table("sessions")
    assert rows(
        table, "day", "state", "going", "maybe", "cant", "waiting", "attended", "ratings", "rating"
    ) == [
        ("Social media for neighbourhood teams", E - timedelta(days=14), "Held", 4, 1, 1, 0, 3, 3, 4.3),
        ("Sessions for communities under 5 people (2 combined)", None, None, 3, 0, 0, 0, 3, 1, 5.0),
    ]
    assert [r["pct_attended"] for r in table.rows] == [75.0, 100.0]
    t = table.total
    assert (t["held"], t["going"], t["attended"], t["ratings"], t["rating"]) == (3, 7, 6, 4, 4.5)
    assert round(t["pct_attended"], 1) == 85.7
    assert sessions.figures == [
        ("Sessions held", "3"),
        ("Going (RSVPs)", "7"),
        ("Attended", "6"),
        ("Average rating", "4.5 of 5"),
    ]
    assert "People who attended each session held" in sessions.charts[0]


def test_an_upcoming_session_is_listed_with_its_replies_but_not_held(org):
    later = Filters(start=START, end=utcnow().date() + timedelta(days=30))
    table = section(org, "sessions", later).table("sessions")
    upcoming = [r for r in table.rows if r.get("state") == "Upcoming"]
    assert [(r["label"], r["going"], r["attended"], r["pct_attended"]) for r in upcoming] == [
        ("Writing for the force website", 1, 0, None)
    ]
    assert table.total["held"] == 3


def test_objectives_count_sessions_held_attended_and_links_clicked(org):
    objectives = section(org, "objectives")
    table = objectives.table("objectives")
    assert rows(
        table,
        "items",
        "kind_post",
        "kind_update",
        "kind_link",
        "kind_session",
        "people_reached",
        "replies",
        "reactions",
        "sessions_held",
        "attended",
        "link_clicks",
    ) == [
        ("Community safety", 6, 2, 1, 2, 1, 2, 2, 2, 1, 3, 5),
        ("Staff wellbeing", 4, 0, 0, 2, 2, 0, 0, 0, 2, 3, 2),
    ]
    trend = {
        (r["label"], r["week"]): (r["items"], r["sessions_held"], r["attended"], r["link_clicks"])
        for r in objectives.table("objective_weeks").rows
        if r["items"] or r["sessions_held"] or r["link_clicks"]
    }
    assert trend == {
        ("Community safety", date(2026, 10, 5)): (1, 0, 0, 0),
        ("Community safety", date(2026, 10, 26)): (3, 0, 0, 2),
        ("Community safety", date(2026, 11, 2)): (0, 1, 3, 1),
        ("Community safety", date(2026, 11, 9)): (0, 0, 0, 2),
        ("Community safety", date(2026, 11, 16)): (2, 0, 0, 0),
        ("Staff wellbeing", date(2026, 10, 5)): (1, 0, 0, 0),
        ("Staff wellbeing", date(2026, 10, 12)): (0, 1, 1, 0),
        ("Staff wellbeing", date(2026, 10, 19)): (1, 0, 0, 2),
        ("Staff wellbeing", date(2026, 11, 2)): (2, 0, 0, 0),
        ("Staff wellbeing", date(2026, 11, 9)): (0, 1, 2, 0),
    }


def test_the_new_sections_cost_the_same_queries_whatever_the_data(org, count_queries):
    from app.insights.rollup import rollup_range
    from app.models import LinkClick

    viewer, filters = org["viewer"], org["filters"]
    with count_queries() as before:
        for name in ("links", "sessions", "objectives"):
            section(org, name)
    db.session.add_all(
        LinkClick(link_id=org["links"][key], user_id=viewer.id, created_at=utcnow() - timedelta(days=14))
        for key in ("g1", "g4", "g5")
    )
    db.session.commit()
    rollup_range(START, E)
    with count_queries() as after:
        build_section("links", filters, viewer, 5)
        build_section("sessions", filters, viewer, 5)
        build_section("objectives", filters, viewer, 5)
    assert before() == after(), (before(), after())
