"""The insights pages through the test client: who may see them, filters, CSV, views, the establishment."""

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, Establishment, Post, PostView, Unit, User
from tests import factories
from tests.insights_fixture import E, build, build_links_and_sessions
from tests.realtime_helpers import post as write_post

RANGE = {"from": "2026-08-27", "to": E.isoformat()}


@pytest.fixture
def org(app):
    """The hand-computed organisation (tests/insights_fixture.py), committed."""
    with app.app_context():
        built = build()
    return built


def _as(login, app, user_id):
    with app.app_context():
        return login(db.session.get(User, user_id))


@pytest.mark.parametrize("who", ["member", "intruder", "moderator"])
def test_members_get_403(request, client, login, who):
    login(request.getfixturevalue(who))
    assert client.get("/insights").status_code == 403
    assert client.get("/insights/adoption/adoption_units.csv").status_code == 403


@pytest.mark.parametrize("who", ["leader", "comms", "admin"])
def test_leaders_comms_and_admins_see_the_dashboard(request, client, login, who):
    login(request.getfixturevalue(who))
    page = client.get("/insights")
    assert page.status_code == 200
    assert b"Adoption against headcount" in page.data and b"Leadership updates" in page.data


def test_anonymous_people_are_sent_to_sign_in(client):
    assert client.get("/insights").status_code == 302
    assert client.post("/insights/views", json={"post_ids": [1]}).status_code == 302


def test_the_page_shows_the_fixture_figures_with_charts_and_tables(app, client, login, org):
    _as(login, app, org["viewer_id"])
    page = client.get("/insights", query_string=RANGE).data.decode()
    assert "53%" in page  # members as % of establishment
    assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
    assert "Groups under 5 members (2 combined)" in page
    assert "Firearms" not in page  # a secret community Lee isn't in never appears, not even its name
    assert page.count("Download CSV") >= 9
    assert "Roads Policing" in page and "13 h" in page


def test_csv_export_with_the_same_filters(app, client, login, org):
    _as(login, app, org["viewer_id"])
    response = client.get("/insights/engagement/engagement_units.csv", query_string=RANGE)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert lines[0] == ["Unit", "Members", "Active people", "Posts", "Replies", "Reactions"]
    assert lines[-1] == ["All", "16", "9", "5", "2", "1"]
    for path in ("/insights/nope/adoption_units.csv", "/insights/adoption/nope.csv"):
        assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "args",
    [
        {"from": "yesterday"},
        {"to": "2026-02-30"},
        {"unit": "x" * 5000},
        {"community": "-1"},
        {"from": "9999-01-01"},
    ],
)
def test_bad_filters_are_explained_never_a_500(client, login, leader, args):
    login(leader)
    response = client.get("/insights", query_string=args)
    assert response.status_code == 422 and b"field__error" in response.data
    assert client.get("/insights/adoption/adoption_units.csv", query_string=args).status_code == 422


def test_a_unit_too_small_to_show_alone_is_refused(app, client, login, org):
    _as(login, app, org["viewer_id"])
    page = client.get("/insights", query_string={**RANGE, "unit": org["units"]["Custody"]}).data.decode()
    assert "Fewer than 5 people are in Custody" in page and "Adoption by unit" not in page
    assert (
        client.get(
            "/insights/adoption/adoption_units.csv", query_string={"unit": org["units"]["Custody"]}
        ).status_code
        == 404
    )
    ok = client.get("/insights", query_string={**RANGE, "unit": org["units"]["Response"]})
    assert ok.status_code == 200 and b"Adoption by unit" in ok.data


def test_views_are_recorded_once_per_person_post_and_day(app, client, login, member, comms):
    first, second = write_post(app, comms, "one"), write_post(app, comms, "two")
    mine = write_post(app, member, "my own")
    login(member)
    for _ in range(2):
        assert client.post("/insights/views", json={"post_ids": [first, second, mine]}).status_code == 204
    with app.app_context():
        rows = db.session.execute(select(PostView.post_id, PostView.user_id)).all()
    assert sorted(rows) == [(first, member.id), (second, member.id)]  # not twice, not my own post


def test_views_of_posts_i_cannot_see_are_ignored(app, client, login, comms, intruder):
    secret = factories_community(app, comms, "secret")
    hidden = write_post(app, comms, "members only", secret)
    login(intruder)
    assert client.post("/insights/views", json={"post_ids": [hidden]}).status_code == 204
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PostView)) == 0


def factories_community(app, owner, visibility):
    with app.app_context():
        return factories.make_community(db.session.get(User, owner.id), visibility).id


@pytest.mark.parametrize(
    "body",
    [
        {"post_ids": "1"},
        {"post_ids": [0]},
        {"post_ids": [True]},
        {"post_ids": [2**40]},
        {"post_ids": list(range(1, 102))},
        [1],
        None,
    ],
)
def test_bad_view_batches_are_refused(client, login, member, body):
    login(member)
    response = client.post("/insights/views", json=body)
    assert response.status_code == 422


def test_views_need_the_csrf_token(app, client, login, member, comms):
    post_id = write_post(app, comms, "hello")
    login(member)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/insights/views", json={"post_ids": [post_id]}).status_code == 400
        page = client.get("/").data.decode()
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        ok = client.post("/insights/views", json={"post_ids": [post_id]}, headers={"X-CSRFToken": token})
        assert ok.status_code == 204
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_recording_views_costs_a_fixed_number_of_queries(app, client, login, member, comms, count_queries):
    ids = [write_post(app, comms, f"p{i}") for i in range(30)]
    login(member)
    client.get("/")
    with count_queries() as few:
        client.post("/insights/views", json={"post_ids": ids[:2]})
    with count_queries() as many:
        client.post("/insights/views", json={"post_ids": ids[2:]})
    assert few() == many()


CSV_OK = 'unit,staff_type,headcount\nResponse,sworn,10\nresponse ,Civilian,3\nControl Room,civilian,"1,200"\n'


def _upload(client, text: str | bytes, name="establishment.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        "/admin/establishment", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def _units(app, *names):
    with app.app_context():
        for name in names:
            factories.make_unit(name)
        db.session.commit()


def test_admins_import_the_establishment_and_can_reimport(app, client, login, admin):
    _units(app, "Response", "Control Room")
    login(admin)
    response = _upload(client, CSV_OK)
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.execute(
            select(Unit.name, Establishment.staff_type, Establishment.headcount).join(Unit)
        ).all()
        assert sorted(rows) == [
            ("Control Room", "civilian", 1200),
            ("Response", "civilian", 3),
            ("Response", "sworn", 10),
        ]
        assert db.session.scalar(select(AuditEntry.action)) == "establishment.imported"
    assert b"1,200" in client.get("/admin/establishment").data
    assert _upload(client, "Unit,Staff Type,Headcount\nResponse,sworn,12\n").status_code == 302
    with app.app_context():
        assert db.session.execute(select(Establishment.headcount)).scalars().all() == [12]


@pytest.mark.parametrize(
    "text,messages",
    [
        ("", ["The file is empty"]),
        ("name,count\nResponse,3\n", ["missing: unit, staff_type, headcount"]),
        ("unit,staff_type,headcount\n", ["no rows"]),
        (
            "unit,staff_type,headcount\nNowhere,sworn,3\nResponse,wizard,2\nResponse,sworn,-1\n,sworn,2\nResponse,sworn,4\nResponse,sworn,5\n",
            [
                "Line 2",
                "no unit called “Nowhere”",
                "Line 3",
                "staff type must be one of",
                "Line 4",
                "whole number",
                "Line 5",
                "unit is empty",
                "Line 7",
                "already on line 6",
            ],
        ),
        (b"unit,staff_type,headcount\n\x00\x81\x8d\x8f\x90\x9d", ["The file isn"]),
    ],
)
def test_import_errors_are_listed_by_row_and_nothing_changes(app, client, login, admin, text, messages):
    _units(app, "Response")
    login(admin)
    assert _upload(client, "unit,staff_type,headcount\nResponse,sworn,7\n").status_code == 302
    response = _upload(client, text)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in messages:
        assert message in page, message
    with app.app_context():
        assert db.session.execute(select(Establishment.headcount)).scalars().all() == [7]


def test_import_without_a_file_and_for_non_admins(app, client, login, admin, leader):
    login(admin)
    assert client.post("/admin/establishment", data={}).status_code == 422
    login(leader)
    assert _upload(client, CSV_OK).status_code == 403


def test_privacy_threshold_setting(app, client, login, admin):
    login(admin)
    assert client.post("/admin/establishment/privacy", data={"threshold": "8"}).status_code == 302
    assert b'value="8"' in client.get("/admin/establishment").data
    for bad in ("0", "101", "five", "9" * 50):
        response = client.post("/admin/establishment/privacy", data={"threshold": bad})
        assert response.status_code == 422 and b"from 1 to 100" in response.data
    from app.insights.privacy import threshold

    with app.app_context():
        assert threshold() == 8


def test_insights_nav_only_for_those_who_may_see_it(client, login, member, leader):
    login(member)
    home = client.get("/").data
    assert b">Leadership</a>" in home and b">Insights</a>" not in home
    login(leader)
    assert b">Insights</a>" in client.get("/").data


def test_every_posts_seen_counts_for_rollups_not_the_dashboard(app, org):
    """The dashboard reads roll-ups only: deleting the raw views changes nothing until the next roll-up."""
    from app.insights.filters import Filters
    from app.insights.sections import build_section
    from tests.insights_fixture import START

    with app.app_context(), app.test_request_context():
        viewer = db.session.get(User, org["viewer_id"])
        before = build_section("objectives", Filters(start=START, end=E), viewer, 5).table("objectives").rows
        db.session.execute(PostView.__table__.delete())
        db.session.commit()
        after = build_section("objectives", Filters(start=START, end=E), viewer, 5).table("objectives").rows
        assert [r["people_reached"] for r in before] == [r["people_reached"] for r in after] == [2, 0]
        assert db.session.scalar(select(func.count()).select_from(Post)) == 5


@pytest.fixture
def org_plus(app):
    """The organisation with its curated links and sessions (tests/insights_fixture.py), committed."""
    with app.app_context():
        built = build()
        built |= build_links_and_sessions(built)
    return built


def test_the_dashboard_shows_links_and_sessions_with_csv(app, client, login, org_plus):
    _as(login, app, org_plus["viewer_id"])
    page = client.get("/insights", query_string=RANGE).data.decode()
    for text in (
        "Curated links by curator",
        "Stop and search explained",
        "Lunch-and-learn sessions",
        "Social media for neighbourhood teams",
        "Links seen by under 5 people (2 combined)",
        "Average rating",
        "4.5 of 5",
        "Links clicked",
    ):
        assert text in page, text
    assert "Range safety rules" not in page  # Firearms is secret
    for section, table in (("links", "link_gems"), ("links", "link_curators"), ("sessions", "sessions")):
        assert f"/insights/{section}/{table}.csv" in page
    gems = list(
        csv.reader(io.StringIO(client.get("/insights/links/link_gems.csv", query_string=RANGE).data.decode()))
    )
    assert gems[0] == ["Link", "Curator", "Shared", "Clicks", "People who clicked", "Saves", "Reactions"]
    assert gems[1] == ["Stop and search explained", "Bea Two", "2026-10-29", "4", "3", "2", "1"]
    assert gems[-1] == ["All", "", "", "7", "6", "3", "1"]
    sessions = list(
        csv.reader(
            io.StringIO(client.get("/insights/sessions/sessions.csv", query_string=RANGE).data.decode())
        )
    )
    assert sessions[1][:4] == ["Social media for neighbourhood teams", "2026-11-04", "Held", "4"]
    assert sessions[1][-3:] == ["75.0", "3", "4.3"] and sessions[-1][-1] == "4.5"


def test_members_get_no_links_or_sessions_figures(app, client, login, org_plus):
    _as(login, app, org_plus["people"]["Alex One"])
    assert client.get("/insights/links/link_gems.csv").status_code == 403
    assert client.get("/insights/sessions/sessions.csv").status_code == 403


def test_the_objective_page_lists_its_links_and_sessions_and_their_figures(app, client, login, org_plus):
    from app.models import CuratedLink

    safety, wellbeing = org_plus["objectives"]["safety"], org_plus["objectives"]["wellbeing"]
    with app.app_context():
        # Tag the Firearms link too: it must still only show to people who can read Firearms.
        firearms_link = db.session.get(CuratedLink, org_plus["links"]["g3"])
        db.session.get(Post, firearms_link.post_id).objective_id = safety
        db.session.commit()
    _as(login, app, org_plus["viewer_id"])
    page = client.get(f"/objectives/{safety}").data.decode()
    assert "Stop and search explained" in page and "Neighbourhood priorities survey" in page
    assert "Social media for neighbourhood teams" in page
    assert "Range safety rules" not in page and "Walk and talk" not in page
    for label in ("Sessions held", "Attended", "Links clicked"):
        assert f"<dt>{label}</dt>" in page
    other = client.get(f"/objectives/{wellbeing}").data.decode()
    assert "A guide to TRiM" in other and "Walk and talk" in other and "Sleep and shift work" in other
    with app.app_context():
        bea = login(db.session.get(User, org_plus["people"]["Bea Three"]), app.test_client())
    assert "Range safety rules" in bea.get(f"/objectives/{safety}").data.decode()
