"""Every dashboard figure against the hand-computed organisation in tests/insights_fixture.py."""

import csv
import io
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.insights.filters import Filters, parse_filters
from app.insights.sections import build_section, section_names
from app.models import Community, Unit, User
from tests.insights_fixture import START, E, build

pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture
def org(app):
    """The fixture organisation, the viewer (Lee Leader) and the default filters (in a request, for links)."""
    built = build()
    built["viewer"] = db.session.get(User, built["viewer_id"])
    built["filters"] = Filters(start=START, end=E)
    with app.test_request_context():
        yield built


def section(org, name, filters=None, minimum=5):
    return build_section(name, filters or org["filters"], org["viewer"], minimum)


def rows(table, *keys):
    return [tuple(r.get(k) for k in ("label", *keys)) for r in table.rows]


def test_sections_are_in_order():
    assert section_names() == [
        "adoption",
        "engagement",
        "contributors",
        "quiet",
        "objectives",
        "updates",
        "links",
        "sessions",
    ]


def test_adoption_by_unit_against_the_establishment(org):
    adoption = section(org, "adoption")
    units = adoption.table("adoption_units")
    assert rows(units, "headcount", "members", "wau", "mau") == [
        ("Control Room", 10, 5, 2, 2),
        ("Response", 10, 6, 3, 4),
        ("Groups under 5 members (2 combined)", 10, 5, 1, 1),
    ]
    assert [round(r["pct_members"], 1) for r in units.rows] == [50.0, 60.0, 50.0]
    assert [round(r["pct_mau"], 1) for r in units.rows] == [20.0, 40.0, 10.0]
    total = units.total
    assert (total["headcount"], total["members"], total["wau"], total["mau"]) == (30, 16, 6, 7)
    assert round(total["pct_members"], 1) == 53.3 and round(total["pct_mau"], 1) == 23.3
    assert adoption.figures == [
        ("Members", "16"),
        ("Active this week", "6"),
        ("Active this month", "7"),
        ("Members, % of establishment", "53%"),
    ]
    assert len(adoption.charts) == 1 and "Members as a percentage of establishment" in adoption.charts[0]


def test_adoption_by_staff_type_folds_a_shown_group_in_so_small_ones_cant_be_subtracted_out(org):
    types = section(org, "adoption").table("adoption_staff_types")
    # volunteer (1) and contractor (2) are under 5 together, so civilian (the smallest shown) joins them
    assert rows(types, "headcount", "members", "wau", "mau") == [
        ("Sworn", 14, 8, 4, 5),
        ("Groups under 5 members (3 combined)", 16, 8, 2, 2),
    ]
    assert round(types.rows[0]["pct_members"], 1) == 57.1


def test_a_unit_filter_narrows_adoption_to_that_unit(org):
    response = db.session.get(Unit, org["units"]["Response"])
    filters = Filters(start=START, end=E, unit=response, unit_ids=frozenset({response.id}))
    units = section(org, "adoption", filters).table("adoption_units")
    assert rows(units, "headcount", "members", "wau", "mau") == [("Response", 10, 6, 3, 4)]


def test_engagement_per_week(org):
    engagement = section(org, "engagement")
    weekly = engagement.table("engagement_weeks")
    assert len(weekly.rows) == 13 and weekly.rows[0]["week"] == date(2026, 8, 24)
    busy = {
        r["week"]: (r["posts"], r["replies"], r["reactions"], r["active"]) for r in weekly.rows if r["active"]
    }
    assert busy == {
        date(2026, 10, 5): (2, 1, 0, 3),
        date(2026, 11, 2): (0, 0, 0, 1),
        date(2026, 11, 9): (1, 0, 0, 1),
        date(2026, 11, 16): (2, 1, 1, 5),
    }
    assert (weekly.total["posts"], weekly.total["replies"], weekly.total["reactions"]) == (5, 2, 1)
    assert engagement.figures == [("Posts", "5"), ("Replies", "2"), ("Reactions", "1")]
    chart = str(engagement.charts[0])
    assert "<title" in chart and "Week starting" in chart and "Count" in chart


def test_engagement_by_unit(org):
    units = section(org, "engagement").table("engagement_units")
    assert rows(units, "members", "active", "posts", "replies", "reactions") == [
        ("Control Room", 5, 3, 2, 0, 1),
        ("Response", 6, 4, 2, 2, 0),
        ("Units under 5 members (2 combined)", 5, 2, 1, 0, 0),
    ]
    t = units.total
    assert (t["members"], t["active"], t["posts"], t["replies"], t["reactions"]) == (16, 9, 5, 2, 1)


def test_engagement_by_community_never_lists_a_secret_one_or_a_small_one_alone(org):
    communities = section(org, "engagement").table("engagement_communities")
    assert rows(communities, "members", "posts", "replies", "reactions", "active") == [
        ("All staff", 16, 2, 1, 1, 0.1),
        ("Communities under 5 members (2 combined)", 9, 2, 1, 0, 0.0),
    ]
    assert "Firearms" not in str(communities.rows) and "Wellbeing" not in str(communities.rows)
    assert (communities.total["members"], communities.total["posts"]) == (25, 4)


def test_engagement_for_one_community_averages_daily_active_people(org):
    roads = db.session.get(Community, org["communities"]["roads"])
    weekly = section(org, "engagement", Filters(start=START, end=E, community=roads)).table(
        "engagement_weeks"
    )
    busy = {r["week"]: (r["posts"], r["replies"], r["active"]) for r in weekly.rows if r["active"]}
    # 9 October: Bea Two and Alex Three (2 in a 7-day week); 8 November: Alex Three saw P1
    assert busy == {date(2026, 10, 5): (1, 1, round(2 / 7, 1)), date(2026, 11, 2): (0, 0, round(1 / 7, 1))}


def test_top_contributors_count_only_what_the_viewer_can_read(org):
    table = section(org, "contributors").table("top_contributors")
    assert rows(table, "posts", "replies", "total") == [
        ("Alex One", 1, 0, 1),
        ("Alex Three", 0, 1, 1),
        ("Alex Two", 0, 1, 1),
        ("Bea Two", 1, 0, 1),
        ("Dee One", 1, 0, 1),
    ]  # Bea Three's post in Firearms (secret; Lee isn't in it) doesn't count; updates have their own section


def test_communities_that_went_quiet(org):
    quiet = section(org, "quiet")
    assert rows(quiet.table("quiet_communities"), "members", "before", "now", "change") == [
        ("Roads Policing", 6, 2, 0, -100.0)
    ]
    assert quiet.notes == ["1 smaller communities (under 5 members) also went quiet."]


def test_objectives_items_people_reached_and_engagement(org):
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
        ("Community safety", 3, 2, 1, 0, 0, 2, 2, 1, 0, 0, 0),
        ("Staff wellbeing", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    ]  # sessions and links: tests/test_insights_links_sessions.py
    trend = {
        (r["label"], r["week"]): (r["items"], r["reached"])
        for r in objectives.table("objective_weeks").rows
        if r["items"] or r["reached"]
    }
    assert trend == {
        ("Community safety", date(2026, 10, 5)): (1, 0),
        ("Community safety", date(2026, 11, 2)): (0, 1),
        ("Community safety", date(2026, 11, 16)): (2, 1),
    }
    assert "People reached per week, by objective" in objectives.charts[0]


def test_updates_acknowledgement_rate_and_time(org):
    updates = section(org, "updates")
    [row] = updates.table("updates").rows
    assert (row["label"], row["leader"], row["recipients"], row["required"]) == (
        "Our plan for winter",
        "Lee Leader",
        15,
        "Yes",
    )
    assert round(row["pct_acknowledged"], 1) == 13.3 and round(row["pct_seen"], 1) == 20.0
    assert row["median"] == timedelta(hours=13)
    assert updates.figures == [
        ("Updates published", "1"),
        ("Acknowledgement rate", "13%"),
        ("Median time to acknowledge", "13 h"),
    ]


def test_update_figures_by_unit(org):
    from app.leadership.stats import by_unit
    from app.models import Update

    table = by_unit(db.session.get(Update, org["update_id"]), 5)
    assert rows(table, "recipients", "acknowledged", "seen", "not_yet") == [
        ("Control Room", 5, 1, 0, 4),
        ("Response", 5, 1, 0, 4),
        ("Units under 5 recipients (2 combined)", 5, 0, 1, 4),
    ]
    assert [table.total[k] for k in ("recipients", "acknowledged", "seen", "not_yet")] == [15, 2, 1, 12]


def test_a_higher_threshold_combines_more(org):
    units = section(org, "adoption", minimum=6).table("adoption_units")
    assert rows(units, "members") == [("Response", 6), ("Groups under 6 members (3 combined)", 10)]


def test_filters_are_checked(org):
    viewer = org["viewer"]
    assert parse_filters({}, viewer, today=E) == Filters(start=START, end=E)
    from app.errors import ValidationError

    for args, field in (
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-11-20", "to": "2026-11-01"}, "from"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "from"),
        ({"unit": "banana"}, "unit"),
        ({"unit": "999999"}, "unit"),
        ({"community": str(org["communities"]["firearms"])}, "community"),
        ({"community": "99999999999999999999"}, "community"),
    ):
        with pytest.raises(ValidationError) as caught:
            parse_filters(args, viewer, today=E)
        assert field in caught.value.fields, args


def test_the_dashboard_costs_the_same_queries_whatever_the_data(org, count_queries):
    viewer, filters = org["viewer"], org["filters"]
    from app.insights.sections import dashboard
    from app.posts.services import create_post

    with count_queries() as before:
        dashboard(filters, viewer, 5)
    for i in range(15):
        create_post(viewer, f"more {i}")
    db.session.commit()
    from app.insights.rollup import rollup_range

    rollup_range(START, E)
    with count_queries() as after:
        dashboard(filters, viewer, 5)
    assert before() == after(), (before(), after())


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_matches_the_table(org):
    from app.insights.tables import to_csv

    table = section(org, "adoption").table("adoption_units")
    lines = _csv(to_csv(table))
    assert lines[0][:3] == ["Unit", "Establishment", "Members"]
    assert lines[1][:3] == ["Control Room", "10", "5"] and lines[-1][:3] == ["All", "30", "16"]
    assert lines[-1][3] == "53.3"


def test_csv_cells_that_look_like_formulas_stay_text():
    from app.insights.tables import Column, Table, to_csv

    table = Table(
        "t",
        "T",
        [Column("label", "Name", "text"), Column("n", "N")],
        rows=[{"label": "=HYPERLINK(1)", "n": 3}],
    )
    assert _csv(to_csv(table))[1] == ["'=HYPERLINK(1)", "3"]
