"""Nothing from the secret community reaches an outsider by any side door: search, autocomplete,
notifications, Socket.IO, exports, attachments and calendar feeds. Each check has a positive
control (the member does see it), so a test can't pass by finding nothing for everyone."""

import io
import re
import zipfile

import pytest

from app.extensions import db
from app.learning import calendar
from app.models import Community, User
from app.posts.services import create_post
from app.search.indexer import drain
from tests.realtime_helpers import SocketPool, received, sign_in
from tests.security import harness
from tests.security.world import SECRET_MARKERS, SECRET_NAME, World, build

OUTSIDERS = ("intruder", "comms", "leader", "moderator")


def leaks(text: str) -> list[str]:
    """The secret markers in a text (what a test asserts is empty for outsiders)."""
    return [marker for marker in SECRET_MARKERS if marker in text]


@pytest.fixture
def world(app) -> World:
    """The matrix's world, indexed for search."""
    built = build(app)
    drain(app)
    return built


def _as(app, world, role):
    return harness.client_for(app, world, role)


def _signed_in(app, world, role):
    """A browser signed in through the login form (sockets need the session's realtime key)."""
    with app.app_context():
        person = db.session.get(User, world.users[role])
        db.session.expunge(person)
    return sign_in(app, person)


def _api(app, world, role, path):
    return app.test_client().get(path, headers={"Authorization": f"Bearer {world.tokens[role]}"})


def _without(body: str, q: str) -> str:
    """The page without the query it echoes (the search box, tab links)."""
    for form in {q, q.lower(), q.capitalize()}:
        body = body.replace(form, "")
    return body


@pytest.mark.parametrize("q", ["Kestrel", "zebracrossing", "Bluebottle", "Operation"])
def test_search_pages_api_and_autocomplete(app, world, q):
    """No hit, count or suggestion. (Fixed: the outsiders here may read no indexed community, and an
    empty "only these communities" set read as no filter, so the tab counts showed secret posts.)"""
    member = _as(app, world, "member").get(f"/search?q={q}").get_data(as_text=True)
    assert 'class="search-result ' in member or q in ("Operation", "Bluebottle"), "control"
    for role in OUTSIDERS:
        client = _as(app, world, role)
        for path in (
            f"/search?q={q}",
            f"/search?q={q}&type=communities",
            f"/search?q={q}&type=people",
            f"/search/suggest?q={q[:4]}",
            f"/mentions/suggest?q={q[:3]}",
            f"/communities/?q={q}",
        ):
            response = client.get(path)
            assert response.status_code == 200, path
            body = response.get_data(as_text=True)
            assert leaks(_without(body, q)) == [] and 'class="search-result ' not in body, (role, path)
            # A count is a leak too: the word exists only inside the secret community.
            assert set(re.findall(r'search-tabs__count">\((\d+)\)', body)) <= {"0"}, (role, path)
        api = _api(app, world, role, f"/api/v1/search?q={q}")
        assert api.status_code == 200 and api.get_json()["items"] == [], role


def test_an_update_for_the_secret_community_is_not_found_by_others(app, world):
    """Fixed: updates for chosen audiences sit in All staff, so search found them for everyone."""
    for role in OUTSIDERS:
        body = _as(app, world, role).get("/search?q=progress").get_data(as_text=True)
        assert "Kestrel" not in body and set(re.findall(r'search-tabs__count">\((\d+)\)', body)) <= {"0"}


def test_notifications_of_a_mention_inside_the_secret_community_never_arrive(app, world):
    """A member mentions an outsider inside the secret community: the outsider hears nothing."""
    with app.test_request_context():
        handles = {r: db.session.get(User, world.users[r]).handle for r in ("intruder", "member")}
        create_post(
            db.session.get(User, world.users["owner"]),
            f"Kestrel: @{handles['intruder']} and @{handles['member']} zebracrossing",
            db.session.get(Community, world.objects["secret"]),
        )
        db.session.commit()
    member = _as(app, world, "member").get("/notifications").get_data(as_text=True)
    assert "mentioned you" in member or leaks(member), "control: the member is notified"
    for path in ("/notifications", "/"):
        body = _as(app, world, "intruder").get(path).get_data(as_text=True)
        assert leaks(body) == [], path
    api = _api(app, world, "intruder", "/api/v1/notifications").get_json()
    assert api["items"] == []


def test_sockets_push_nothing_from_the_secret_community(app, world):
    pool = SocketPool(app)
    try:
        sockets = {role: pool.connect(_signed_in(app, world, role)) for role in ("member", *OUTSIDERS)}
        assert all(s.is_connected() for s in sockets.values())
        for s in sockets.values():
            received(s)
        with app.test_request_context():
            create_post(
                db.session.get(User, world.users["owner"]),
                "Kestrel live: zebracrossing now",
                db.session.get(Community, world.objects["secret"]),
            )
            db.session.commit()
        assert received(sockets["member"], "post_created"), "control: the member's socket hears it"
        for role in OUTSIDERS:
            got = received(sockets[role])
            assert not [e for e in got if e.get("community_id") == world.objects["secret"]], role
            assert leaks(repr(got)) == [], role
    finally:
        pool.close_all()


def test_catching_up_after_a_reconnect_skips_the_secret_community(app, world):
    pool = SocketPool(app)
    try:
        intruder = pool.connect(_signed_in(app, world, "intruder"), auth={"last_seq": 0})
        assert intruder.is_connected()
        assert leaks(repr(received(intruder))) == []
        events = _api(app, world, "intruder", "/api/v1/events?after=0&limit=500")
        assert events.status_code == 200 and leaks(events.get_data(as_text=True)) == []
    finally:
        pool.close_all()


def _zip_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def test_the_intruders_own_data_export_and_csv_downloads(app, world):
    intruder = _as(app, world, "intruder")
    assert intruder.post("/account/data").status_code == 302
    with app.app_context():
        from app.governance.exports import my_exports

        [export] = my_exports(db.session.get(User, world.users["intruder"]))
        export_id = export.id
    download = intruder.get(f"/account/data/{export_id}/download")
    assert download.status_code == 200
    assert leaks(_zip_text(download.data)) == []
    download.close()
    for role in OUTSIDERS:
        csv = _as(app, world, role).get("/proposals/export.csv")
        assert csv.status_code == 200 and leaks(csv.get_data(as_text=True)) == [], role
    member_csv = _as(app, world, "member").get("/proposals/export.csv").get_data(as_text=True)
    assert leaks(member_csv), "control: the member's export has the secret proposal"


def test_calendar_feeds_carry_only_sessions_the_person_may_see(app, world):
    feeds = {}
    assert _as(app, world, "member").post(
        f"/sessions/{world.params['session_id']}/rsvp", data={"response": "going"}
    ).status_code in (302, 303)
    with app.app_context():
        for role in ("member", "intruder"):
            feeds[role] = calendar.new_feed_token(db.session.get(User, world.users[role]))
        db.session.commit()
    anonymous = app.test_client()  # a calendar program: no cookies
    member = anonymous.get(f"/sessions/feed/{feeds['member']}.ics").get_data(as_text=True)
    assert "Kestrel briefing" in member, "control"
    intruder = anonymous.get(f"/sessions/feed/{feeds['intruder']}.ics")
    assert intruder.status_code == 200 and leaks(intruder.get_data(as_text=True)) == []


def test_files_are_served_only_to_readers_and_never_sniffed(app, world):
    url = f"/attachments/{world.params['attachment_id']}"
    member = _as(app, world, "member").get(url)
    assert member.status_code == 200 and member.headers["X-Content-Type-Options"] == "nosniff"
    assert member.headers["Content-Disposition"].startswith(("attachment", "inline"))
    member.close()
    for role in OUTSIDERS:
        response = _as(app, world, role).get(url)
        assert response.status_code == 404 and leaks(response.get_data(as_text=True)) == []


def test_the_secret_name_count_and_members_stay_hidden_from_listings(app, world):
    for role in OUTSIDERS:
        client = _as(app, world, role)
        for path in ("/communities/", f"/people/{world.users['member']}", "/people", "/"):
            body = client.get(path).get_data(as_text=True)
            assert SECRET_NAME not in body and leaks(body) == [], (role, path)
        listed = _api(app, world, role, "/api/v1/communities").get_json()["items"]
        assert world.objects["secret"] not in {c["id"] for c in listed}
        profile = _api(app, world, role, f"/api/v1/users/{world.users['member']}").get_data(as_text=True)
        assert leaks(profile) == []
    listed = _api(app, world, "member", "/api/v1/communities").get_json()["items"]
    assert world.objects["secret"] in {c["id"] for c in listed}, "control"
