"""Reminders the day before and an hour before, to those going, exactly once each, by the job runner."""

from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.jobs import TASKS, tick
from app.learning import rsvps, services
from app.learning.reminders import send_reminders
from app.models import Notification, SessionReminder, User
from app.notifications.services import update_settings
from tests import factories
from tests.learning.helpers import WINTER_NOON, get, schedule


def reminders_to(app, user: User) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Notification.data["when"].as_string())
                .where(Notification.user_id == user.id, Notification.kind == "session_reminder")
                .order_by(Notification.id)
            )
        )


def mails_to(app, address: str) -> list:
    outbox = Path(app.config["OUTBOX_DIR"])
    parser = BytesParser(policy=policy.default)
    found = [parser.parsebytes(p.read_bytes()) for p in outbox.glob("*.eml")] if outbox.exists() else []
    return [m for m in found if m["To"] == address]


def test_day_before_and_hour_before_exactly_once_through_the_job_runner(app, comms, member, leader, frozen):
    session_id = schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    with app.app_context():
        rsvps.respond(db.session.get(User, member.id), get(session_id), "going")
        rsvps.respond(db.session.get(User, leader.id), get(session_id), "maybe")  # maybe: no reminders
        db.session.commit()
    assert "session_reminders" in TASKS

    frozen.set(WINTER_NOON - timedelta(hours=30))
    assert tick(app)["session_reminders"] == 0
    frozen.set(WINTER_NOON - timedelta(hours=23))
    assert tick(app)["session_reminders"] == 1
    assert tick(app)["session_reminders"] == 0  # the second pass sends nothing twice
    frozen.advance(hours=5)
    assert tick(app)["session_reminders"] == 0
    frozen.set(WINTER_NOON - timedelta(minutes=50))
    assert tick(app)["session_reminders"] == 1
    assert tick(app)["session_reminders"] == 0
    frozen.set(WINTER_NOON + timedelta(minutes=5))
    assert tick(app)["session_reminders"] == 0

    assert reminders_to(app, member) == ["day", "hour"]
    assert reminders_to(app, leader) == []
    mails = mails_to(app, member.email)
    subjects = sorted(m["Subject"] for m in mails)
    assert subjects == [
        "In an hour: Writing posts the public will share",
        "Tomorrow: Writing posts the public will share",
    ]
    body = mails[0].get_body(preferencelist=("plain",)).get_content()
    assert "Tuesday 13 January 2026, 12:30–13:30 GMT" in body and f"/sessions/{session_id}" in body


def test_running_twice_at_once_still_sends_once(app, comms, frozen):
    session_id = schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    with app.app_context():
        crowd = [factories.make_user() for _ in range(4)]
        for person in crowd:
            rsvps.respond(person, get(session_id), "going")
        db.session.commit()
    frozen.set(WINTER_NOON - timedelta(hours=2))
    with app.app_context():
        assert send_reminders() == 4
        assert send_reminders() == 0
        assert db.session.scalar(select(func.count()).select_from(SessionReminder)) == 4


def test_a_rescheduled_session_reminds_again_for_its_new_time(app, comms, member, frozen):
    session_id = schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    with app.app_context():
        rsvps.respond(db.session.get(User, member.id), get(session_id), "going")
        db.session.commit()
    frozen.set(WINTER_NOON - timedelta(minutes=30))
    with app.app_context():
        assert send_reminders() == 1
        later = WINTER_NOON + timedelta(days=1)
        data = services.SessionInput(
            title="Moved",
            description="Moved a day.",
            starts_at=later,
            ends_at=later + timedelta(hours=1),
            place="Room 1",
        )
        services.update_session(db.session.get(User, comms.id), get(session_id), data)
        db.session.commit()
    frozen.set(WINTER_NOON + timedelta(days=1) - timedelta(minutes=30))
    with app.app_context():
        assert send_reminders() == 1
    assert reminders_to(app, member) == ["hour", "hour"]


def test_no_reminders_for_cancelled_sessions_muted_people_or_those_who_left(
    app, comms, member, leader, frozen
):
    from app.communities.services import leave
    from app.models import Community

    with app.app_context():
        place = factories.make_community(
            db.session.get(User, comms.id), "private", members=[db.session.get(User, leader.id)]
        )
        place_id = place.id
    cancelled = schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    private = schedule(
        app, comms, community_id=place_id, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1)
    )
    muted = schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    with app.app_context():
        rsvps.respond(db.session.get(User, member.id), get(cancelled), "going")
        rsvps.respond(db.session.get(User, leader.id), get(private), "going")
        rsvps.respond(db.session.get(User, member.id), get(muted), "going")
        services.cancel_session(db.session.get(User, comms.id), get(cancelled))
        update_settings(db.session.get(User, member.id), ["session_reminder"], [])
        leave(db.session.get(User, leader.id), db.session.get(Community, place_id))
        db.session.commit()
    frozen.set(WINTER_NOON - timedelta(minutes=30))
    with app.app_context():
        assert send_reminders() == 0
    assert mails_to(app, member.email) == [] and mails_to(app, leader.email) == []
