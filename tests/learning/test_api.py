"""The sessions API: create (201), list with cursors, get, RSVP (waiting list), feedback; bad input 4xx."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.learning import rsvps
from app.models import User
from tests import factories
from tests.api_helpers import api_factory, error_fields  # noqa: F401
from tests.learning.helpers import WINTER_NOON, get, schedule

BODY = {
    "title": "Social media in a crisis",
    "description": "What we post in the first hour of a major incident.",
    "starts_at": "2026-01-13T12:30:00Z",
    "ends_at": "2026-01-13T13:30:00Z",
    "place": "Control room briefing area",
    "capacity": 2,
}


def test_create_get_and_list(app, api, comms, member, frozen):
    client = api(comms)
    response = client.post("/sessions", json=BODY)
    assert response.status_code == 201, response.get_json()
    item = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/sessions/{item['id']}")
    assert item["starts_at"] == "2026-01-13T12:30:00Z" and item["time_zone"] == "Europe/London"
    assert item["capacity"] == 2 and item["going_count"] == 0 and item["phase"] == "upcoming"
    assert item["hosts"][0]["id"] == comms.id and item["can_manage"] is True
    assert "<p>" in item["html"]
    reader = api(member, "read")
    got = reader.get(f"/sessions/{item['id']}").get_json()
    assert got["id"] == item["id"] and got["can_manage"] is False and got["my_rsvp"] is None
    listed = reader.get("/sessions").get_json()
    assert [s["id"] for s in listed["items"]] == [item["id"]] and listed["next_cursor"] is None


def test_local_times_without_an_offset_mean_the_organisations_wall_clock(api, comms, frozen):
    body = {**BODY, "starts_at": "2026-07-14T12:30:00", "ends_at": "2026-07-14T13:30"}
    item = api(comms).post("/sessions", json=body).get_json()
    assert item["starts_at"] == "2026-07-14T11:30:00Z"  # 12:30 BST


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": 5}, "title"),
        ({"title": ""}, "title"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"starts_at": 1700000000}, "starts_at"),
        ({"starts_at": None}, "starts_at"),
        ({"ends_at": "2026-01-13T12:00:00Z"}, "ends_at"),
        ({"capacity": "ten"}, "capacity"),
        ({"capacity": True}, "capacity"),
        ({"capacity": 10**12}, "capacity"),
        ({"community_id": "1"}, "community_id"),
        ({"community_id": 2**40}, "community_id"),
        ({"host_ids": "me"}, "host_ids"),
        ({"host_ids": [True]}, "host_ids"),
        ({"video_url": "javascript:alert(1)"}, "video_url"),
    ],
)
def test_bad_bodies_answer_422_with_field_messages(api, comms, frozen, change, field):
    response = api(comms).post("/sessions", json={**BODY, **change})
    assert response.status_code == 422
    assert field in error_fields(response)
    assert api(comms).get("/sessions").get_json()["items"] == []


def test_not_json_and_not_allowed(api, comms, member):
    assert (
        api(comms).post("/sessions", data="[1, 2]", headers={"Content-Type": "application/json"}).status_code
        == 400
    )
    assert api(member).post("/sessions", json=BODY).status_code == 403
    assert api(comms, "read").post("/sessions", json=BODY).status_code == 403
    assert api(member).get("/sessions?show=nope").status_code == 422
    assert api(member).get("/sessions/99999").status_code == 404


def test_rsvp_and_the_waiting_list(app, api, comms, member, leader, frozen):
    session_id = api(comms).post("/sessions", json={**BODY, "capacity": 1}).get_json()["id"]
    first = api(member).put(f"/sessions/{session_id}/rsvp", json={"response": "going"}).get_json()
    assert first == {"status": "going", "waitlist_position": None, "going_count": 1, "capacity": 1}
    second = api(leader).put(f"/sessions/{session_id}/rsvp", json={"response": "going"}).get_json()
    assert second["status"] == "waiting" and second["waitlist_position"] == 1
    api(member).put(f"/sessions/{session_id}/rsvp", json={"response": "cant"})
    assert api(leader).get(f"/sessions/{session_id}").get_json()["my_rsvp"] == "going"  # promoted
    for bad in ({"response": "yes"}, {"response": None}, {}, {"response": ["going"]}):
        assert api(member).put(f"/sessions/{session_id}/rsvp", json=bad).status_code == 422


def test_feedback_after_the_session_for_those_going(app, api, comms, member, leader, frozen):
    session_id = schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    with app.app_context():
        rsvps.respond(db.session.get(User, member.id), get(session_id), "going")
        db.session.commit()
    assert (
        api(member).put(f"/sessions/{session_id}/feedback", json={"rating": 5}).status_code == 403
    )  # not yet
    frozen.set(WINTER_NOON + timedelta(hours=2))
    for bad in (
        {"rating": 0},
        {"rating": "5x"},
        {"rating": True},
        {"rating": 4, "apply_text": "x" * 501},
        {},
    ):
        assert api(member).put(f"/sessions/{session_id}/feedback", json=bad).status_code == 422
    done = api(member).put(
        f"/sessions/{session_id}/feedback", json={"rating": 4, "apply_text": "Pin the FAQ"}
    )
    assert done.status_code == 200 and done.get_json()["rating"] == 4
    again = api(member).put(f"/sessions/{session_id}/feedback", json={"rating": 5}).get_json()
    assert again["rating"] == 5 and again["apply_text"] == ""
    assert api(leader).put(f"/sessions/{session_id}/feedback", json={"rating": 5}).status_code == 403


def test_private_sessions_stay_hidden_from_the_api(app, api, comms, intruder, frozen):
    with app.app_context():
        place = factories.make_community(db.session.get(User, comms.id), "secret", name="Covert unit")
        place_id = place.id
    session_id = api(comms).post("/sessions", json={**BODY, "community_id": place_id}).get_json()["id"]
    outsider = api(intruder)
    assert outsider.get(f"/sessions/{session_id}").status_code == 404
    assert outsider.put(f"/sessions/{session_id}/rsvp", json={"response": "going"}).status_code == 404
    listed = outsider.get("/sessions")
    assert listed.get_json()["items"] == [] and "Covert unit" not in listed.get_data(as_text=True)


def test_list_pages_and_a_constant_query_count(app, api, comms, member, count_queries, frozen):
    for n in range(5):
        start = WINTER_NOON + timedelta(hours=n)
        schedule(app, comms, title=f"S{n}", starts_at=start, ends_at=start + timedelta(minutes=30))
    client = api(member)
    seen, cursor = [], None
    while True:
        page = client.get("/sessions?limit=2" + (f"&cursor={cursor}" if cursor else "")).get_json()
        seen += [s["title"] for s in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"S{n}" for n in range(5)]
    with count_queries() as small:
        client.get("/sessions?limit=1")
    with count_queries() as large:
        client.get("/sessions?limit=5")
    assert small() == large()
