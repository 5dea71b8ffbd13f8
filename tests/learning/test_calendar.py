"""Add-to-calendar: the per-session .ics and the personal feed, parsed back with icalendar."""

from datetime import UTC, timedelta

from icalendar import Calendar
from sqlalchemy import select

from app.communities.services import leave
from app.extensions import db
from app.learning import calendar, rsvps, services
from app.models import CalendarToken, Community, User
from tests import factories
from tests.learning.helpers import SUMMER_NOON, WINTER_NOON, get, schedule


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def events_of(cal: Calendar) -> list:
    return list(cal.walk("VEVENT"))


def new_link(app, client) -> str:
    """Make a feed link through the page and return its https URL's path."""
    page = client.post("/sessions/calendar").get_data(as_text=True)
    start = page.index('id="feed-https"')
    value = page[page.index('value="', start) + 7 :]
    url = value[: value.index('"')]
    assert url.startswith(app.config["BASE_URL"] + "/sessions/feed/cal_")
    assert "webcal://" in page
    return url.removeprefix(app.config["BASE_URL"])


def test_a_session_ics_is_valid_with_uid_dtstamp_sequence_and_utc_times(app, client, login, comms, frozen):
    session_id = schedule(
        app,
        comms,
        starts_at=WINTER_NOON,
        ends_at=WINTER_NOON + timedelta(hours=1),
        video_url="https://teams.example/meet/1",
    )
    login(comms)
    response = client.get(f"/sessions/{session_id}/calendar.ics")
    assert response.mimetype == "text/calendar"
    assert f'filename="session-{session_id}.ics"' in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and b"\r\n" in body  # CRLF lines, as RFC 5545 says
    cal = parse(body)
    assert str(cal["VERSION"]) == "2.0" and str(cal["METHOD"]) == "PUBLISH" and cal["PRODID"]
    [event] = events_of(cal)
    assert str(event["UID"]) == f"session-{session_id}@127.0.0.1"
    assert event["DTSTAMP"].dt.tzinfo is not None
    assert event.decoded("DTSTART") == WINTER_NOON and event.decoded("DTEND") == WINTER_NOON + timedelta(
        hours=1
    )
    assert b"DTSTART:20260113T123000Z" in body  # UTC, which Outlook and Google both read
    assert int(event["SEQUENCE"]) == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert "Training room 2" in str(event["LOCATION"]) and "teams.example" in str(event["DESCRIPTION"])
    assert str(event["ORGANIZER"]) == f"mailto:{comms.email}"
    assert str(event["URL"]).endswith(f"/sessions/{session_id}")


def test_changes_raise_the_sequence_and_cancelling_marks_it_cancelled(app, client, login, comms, frozen):
    session_id = schedule(app, comms, starts_at=SUMMER_NOON, ends_at=SUMMER_NOON + timedelta(hours=1))
    login(comms)
    first = events_of(parse(client.get(f"/sessions/{session_id}/calendar.ics").get_data()))[0]
    with app.app_context():
        services.cancel_session(db.session.get(User, comms.id), get(session_id))
        db.session.commit()
    after = events_of(parse(client.get(f"/sessions/{session_id}/calendar.ics").get_data()))[0]
    assert str(after["UID"]) == str(first["UID"])
    assert int(after["SEQUENCE"]) == int(first["SEQUENCE"]) + 1 and str(after["STATUS"]) == "CANCELLED"
    assert after.decoded("DTSTART").astimezone(UTC).hour == 11  # 12:30 BST is 11:30 UTC


def test_the_feed_lists_my_sessions_without_cookies(app, client, login, comms, member, frozen):
    mine = schedule(
        app, comms, title="Going to this", starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1)
    )
    schedule(
        app, comms, title="Not this one", starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1)
    )
    with app.app_context():
        rsvps.respond(db.session.get(User, member.id), get(mine), "going")
        db.session.commit()
    login(member)
    path = new_link(app, client)
    feed = app.test_client().get(path)  # a calendar program: no session cookie
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    titles = [str(e["SUMMARY"]) for e in events_of(parse(feed.get_data()))]
    assert titles == ["Going to this"]
    host_path = None
    login(comms)
    host_path = new_link(app, client)
    hosting = [str(e["SUMMARY"]) for e in events_of(parse(app.test_client().get(host_path).get_data()))]
    assert sorted(hosting) == ["Going to this", "Not this one"]


def test_regenerating_revokes_the_old_link_and_switching_off_revokes_all(app, client, login, member):
    login(member)
    old = new_link(app, client)
    assert app.test_client().get(old).status_code == 200
    page = client.get("/sessions/calendar").get_data(as_text=True)
    assert "cal_" not in page  # shown once, never again
    new = new_link(app, client)
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200
    client.post("/sessions/calendar/off")
    assert app.test_client().get(new).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(CalendarToken)) is None


def test_tokens_are_stored_hashed_and_junk_is_404(app, client, login, member):
    login(member)
    path = new_link(app, client)
    plaintext = path.rsplit("/", 1)[-1].removesuffix(".ics")
    with app.app_context():
        stored = db.session.scalar(select(CalendarToken.token_hash))
        assert stored == calendar.hash_token(plaintext) and plaintext not in stored
    for junk in ("x", "cal_short", "cal_" + "A" * 43, "../../etc/passwd", "cal_" + "%00" * 20):
        assert app.test_client().get(f"/sessions/feed/{junk}.ics").status_code == 404


def test_a_private_communitys_sessions_leave_the_feed_when_membership_ends(app, client, login, comms, member):
    with app.app_context():
        place = factories.make_community(
            db.session.get(User, comms.id), "private", members=[db.session.get(User, member.id)]
        )
        place_id = place.id
    start = WINTER_NOON.replace(year=2030)
    session_id = schedule(
        app, comms, community_id=place_id, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    with app.app_context():
        rsvps.respond(db.session.get(User, member.id), get(session_id), "going")
        db.session.commit()
    login(member)
    path = new_link(app, client)
    assert len(events_of(parse(app.test_client().get(path).get_data()))) == 1
    with app.app_context():
        leave(db.session.get(User, member.id), db.session.get(Community, place_id))
        db.session.commit()
    assert events_of(parse(app.test_client().get(path).get_data())) == []  # checked at feed time


def test_a_deactivated_persons_feed_stops(app, client, login, admin, member):
    from app.admin.services import deactivate

    login(member)
    path = new_link(app, client)
    with app.app_context():
        deactivate(db.session.get(User, admin.id), db.session.get(User, member.id))
        db.session.commit()
    assert app.test_client().get(path).status_code == 404
