"""Session pages through the test client: scheduling form, list, page, RSVP, host pages, CSV,
attendance, feedback and summary; bad input answers 4xx and stores nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.learning import rsvps
from app.models import LearningSession, Post, SessionFeedback, SessionRsvp, User
from tests import factories
from tests.learning.helpers import WINTER_NOON, get, schedule


def form(**overrides) -> dict:
    """The new-session form for 12:30-13:30 UK time on 13 January 2026 (the frozen clock's week)."""
    values = {
        "title": "Using video on our channels",
        "description": "Short clips that work for a police audience.",
        "date": "2026-01-13",
        "start_time": "12:30",
        "end_time": "13:30",
        "place": "Conference room, HQ",
        "video_url": "https://teams.example/meet/123",
        "capacity": "20",
        "community_id": "",
        "hosts": "",
        "objective_id": "",
    }
    values.update(overrides)
    return values


def count_sessions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LearningSession))


def test_comms_schedules_through_the_form(app, client, login, comms, frozen):
    login(comms)
    assert client.get("/sessions/new").status_code == 200
    response = client.post("/sessions/", data=form(hosts=f"@{comms.handle}"))
    assert response.status_code == 302
    with app.app_context():
        session = db.session.scalar(select(LearningSession))
        assert session.starts_at == WINTER_NOON and session.capacity == 20
        assert session.video_url == "https://teams.example/meet/123"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tuesday 13 January 2026, 12:30–13:30 GMT" in page and "Join the video call" in page


@pytest.mark.parametrize(
    ("field", "value", "shown_at"),
    [
        ("title", "", "title"),
        ("title", "x" * 500, "title"),
        ("date", "13/01/2026", "date"),
        ("date", "9999-99-99", "date"),
        ("start_time", "lunchtime", "start_time"),
        ("end_time", "12:00", "end_time"),
        ("capacity", "lots", "capacity"),
        ("capacity", "99999999999999999999", "capacity"),
        ("capacity", "-3", "capacity"),
        ("video_url", "javascript:alert(1)", "video_url"),
        ("community_id", "abc", "community_id"),
        ("community_id", "99999999999999999999", "community_id"),
        ("hosts", "@nobody-like-this", "hosts"),
        ("objective_id", "7", "objective_id"),
    ],
)
def test_bad_form_input_is_shown_beside_the_field_and_kept(
    app, client, login, comms, frozen, field, value, shown_at
):
    login(comms)
    response = client.post("/sessions/", data=form(**{field: value}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="f-{shown_at}-error"' in page
    assert "Using video on our channels" in page or field == "title"  # the input is kept
    assert count_sessions(app) == 0


def test_members_without_the_grant_cant_reach_the_form(client, login, member):
    login(member)
    assert client.get("/sessions/new").status_code == 403
    assert client.post("/sessions/", data=form()).status_code == 403


def test_list_tabs_and_empty_states(app, client, login, member, comms, frozen):
    login(member)
    page = client.get("/sessions/").get_data(as_text=True)
    assert "No sessions coming up" in page and 'aria-current="page">Sessions' in page
    assert "No past sessions yet" in client.get("/sessions/?show=past").get_data(as_text=True)
    assert "replied to any sessions" in client.get("/sessions/?show=mine").get_data(as_text=True)
    assert client.get("/sessions/?show=bogus&cursor=zz&limit=x").status_code == 200
    schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1), title="Hello")
    assert "Hello" in client.get("/sessions/").get_data(as_text=True)


def test_rsvp_going_then_the_waiting_list(app, client, login, comms, member, frozen):
    session_id = schedule(
        app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1), capacity=1
    )
    login(member)
    response = client.post(f"/sessions/{session_id}/rsvp", data={"response": "going"}, follow_redirects=True)
    assert "You're going" in response.get_data(as_text=True)
    other = app.test_client()
    with app.app_context():
        late = factories.make_user(name="Late Larry")
        db.session.expunge(late)
    login(late, other)
    page = other.post(f"/sessions/{session_id}/rsvp", data={"response": "going"}, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "You're on the waiting list" in text and "(number 1)" in text


@pytest.mark.parametrize("response", ["", "yes", "x" * 5000, "GOING"])
def test_bad_rsvp_answers_are_refused(app, client, login, comms, member, frozen, response):
    session_id = schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    login(member)
    answer = client.post(f"/sessions/{session_id}/rsvp", data={"response": response})
    assert answer.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SessionRsvp)) == 0


def test_unknown_and_hidden_sessions_are_404(app, client, login, comms, intruder, frozen):
    with app.app_context():
        place = factories.make_community(db.session.get(User, comms.id), "secret", name="Covert ops")
        place_id = place.id
    session_id = schedule(
        app, comms, community_id=place_id, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1)
    )
    login(intruder)
    for url in (
        f"/sessions/{session_id}",
        f"/sessions/{session_id}/calendar.ics",
        f"/sessions/{session_id}/attendees",
        f"/sessions/{session_id}/summary",
        "/sessions/99999",
        "/sessions/2147483648",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Covert ops" not in response.get_data(as_text=True)
    assert client.post(f"/sessions/{session_id}/rsvp", data={"response": "going"}).status_code == 404
    assert "Covert ops" not in client.get("/sessions/").get_data(as_text=True)


def test_hosts_see_attendees_and_export_csv_others_dont(app, client, login, comms, member, frozen):
    session_id = schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    with app.app_context():
        sneaky = factories.make_user(name="=HYPERLINK(evil)")
        rsvps.respond(db.session.get(User, member.id), get(session_id), "going")
        rsvps.respond(sneaky, get(session_id), "maybe")
        db.session.commit()
    login(member)
    assert client.get(f"/sessions/{session_id}/attendees").status_code == 403
    assert client.get(f"/sessions/{session_id}/attendees.csv").status_code == 403
    login(comms)
    assert "Morgan Member" in client.get(f"/sessions/{session_id}/attendees").get_data(as_text=True)
    csv = client.get(f"/sessions/{session_id}/attendees.csv")
    assert csv.mimetype == "text/csv" and "attachment" in csv.headers["Content-Disposition"]
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Name,Email")
    assert any(line.startswith("Morgan Member,") and ",Going," in line for line in lines)
    assert any(line.startswith("'=HYPERLINK(evil)") for line in lines)  # no formula injection


def test_attendance_feedback_and_summary(app, client, login, comms, member, intruder, frozen):
    session_id = schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    with app.app_context():
        rsvps.respond(db.session.get(User, member.id), get(session_id), "going")
        rsvps.respond(db.session.get(User, intruder.id), get(session_id), "cant")
        db.session.commit()
    login(comms)
    early = client.post(f"/sessions/{session_id}/attendance", data={"attended": [str(member.id)]})
    assert early.status_code == 302  # refused with a message: it hasn't started
    frozen.set(WINTER_NOON + timedelta(hours=2))
    client.post(f"/sessions/{session_id}/attendance", data={"attended": [str(member.id), "junk", "999"]})
    with app.app_context():
        assert db.session.get(SessionRsvp, (session_id, member.id)).attended is True
        assert db.session.get(SessionRsvp, (session_id, intruder.id)).attended is False

    login(member)
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "How was it?" in page
    bad = client.post(f"/sessions/{session_id}/feedback", data={"rating": "9", "apply_text": "x"})
    assert bad.status_code == 422 and 'id="rating-error"' in bad.get_data(as_text=True)
    client.post(f"/sessions/{session_id}/feedback", data={"rating": "4", "apply_text": "Post at lunchtime"})
    client.post(f"/sessions/{session_id}/feedback", data={"rating": "5", "apply_text": "Post at lunchtime"})
    with app.app_context():
        rows = db.session.scalars(select(SessionFeedback)).all()
        assert [(r.user_id, r.rating) for r in rows] == [(member.id, 5)]  # once each, edited

    other = app.test_client()
    login(intruder, other)  # replied "can't go" and didn't attend: no feedback form
    assert "How was it?" not in other.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert other.post(f"/sessions/{session_id}/feedback", data={"rating": "1"}).status_code == 403

    summary = client.get(f"/sessions/{session_id}/summary").get_data(as_text=True)
    assert "5.0" in summary and "average of 1 rating" in summary and "Post at lunchtime" not in summary
    login(comms)
    assert "Post at lunchtime" in client.get(f"/sessions/{session_id}/summary").get_data(as_text=True)


def test_edit_and_cancel_through_the_pages(app, client, login, comms, member, frozen):
    session_id = schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    login(member)
    assert client.get(f"/sessions/{session_id}/edit").status_code == 403
    login(comms)
    edit = client.get(f"/sessions/{session_id}/edit").get_data(as_text=True)
    assert 'value="2026-01-13"' in edit and 'value="12:30"' in edit
    changed = client.post(f"/sessions/{session_id}/edit", data=form(start_time="13:00", end_time="14:00"))
    assert changed.status_code == 302
    with app.app_context():
        assert (
            get(session_id).starts_at == WINTER_NOON + timedelta(minutes=30) and get(session_id).sequence == 1
        )
    assert client.post(f"/sessions/{session_id}/edit", data=form(end_time="11:00")).status_code == 422
    client.post(f"/sessions/{session_id}/cancel")
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "This session was cancelled." in page and "Replies are closed." in page


def test_home_feed_shows_session_cards_in_constant_queries(
    app, client, login, comms, member, count_queries, frozen
):
    login(member)

    def home_queries() -> int:
        with count_queries() as n:
            assert client.get("/").status_code == 200
        return n()

    schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1), title="First one")
    one = home_queries()
    for n in range(4):
        start = WINTER_NOON + timedelta(days=n + 1)
        schedule(app, comms, starts_at=start, ends_at=start + timedelta(hours=1), title=f"More {n}")
    assert home_queries() == one
    page = client.get("/").get_data(as_text=True)
    assert page.count('class="session-card"') == 5 and "First one" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Post.kind == "session")) == 5


def test_session_list_runs_constant_queries(app, client, login, comms, member, count_queries, frozen):
    login(member)

    def list_queries() -> int:
        with count_queries() as n:
            assert client.get("/sessions/").status_code == 200
        return n()

    list_queries()  # warm the idle-timeout setting's 30-second cache, so it isn't counted in one call only
    schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    one = list_queries()
    for n in range(5):
        start = WINTER_NOON + timedelta(days=n + 1)
        schedule(app, comms, starts_at=start, ends_at=start + timedelta(hours=1))
    assert list_queries() == one


def test_session_host_grants_page(app, client, login, comms, member):
    login(member)
    assert client.get("/sessions/hosts").status_code == 403
    login(comms)
    assert client.post("/sessions/hosts", data={"who": "nobody@nowhere"}).status_code == 422
    assert client.post("/sessions/hosts", data={"who": f"@{member.handle}"}).status_code == 302
    assert "Morgan Member" in client.get("/sessions/hosts").get_data(as_text=True)
    client.post("/sessions/hosts", data={"revoke": str(member.id)})
    client.post("/sessions/hosts", data={"revoke": "not-an-id"})
    assert "Morgan Member" not in client.get("/sessions/hosts").get_data(as_text=True)
    with app.app_context():
        from app.models import AuditEntry

        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["sessions.host_granted", "sessions.host_revoked"]
