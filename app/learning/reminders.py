"""Reminders the day before and an hour before, to those going, sent by the job runner exactly once.

Exactly once is a database fact: a row in session_reminders, unique per session, person, kind and
start time, is inserted (ON CONFLICT DO NOTHING) before anything is sent, in the transaction that
writes the notification and queues the email (app/mail.py delivers it after the commit, retrying
until it goes), so a reminder is never sent twice and never lost.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.communities.services import insert_once
from app.extensions import db
from app.jobs import task
from app.learning import clock
from app.mail import send_mail
from app.models import LearningSession, Post, SessionReminder, SessionRsvp, User
from app.notifications.services import notify
from app.permissions import can_see_session

# kind -> how long before the start it becomes due; each is sent until the next one is due.
WINDOWS = {"day": timedelta(hours=24), "hour": timedelta(hours=1)}


def due_kind(session: LearningSession, at: datetime) -> str | None:
    """Which reminder is due now: "hour" within the last hour, "day" within the day before, else None."""
    if at >= session.starts_at:
        return None
    if at >= session.starts_at - WINDOWS["hour"]:
        return "hour"
    if at >= session.starts_at - WINDOWS["day"]:
        return "day"
    return None


def send_reminders(at: datetime | None = None) -> int:
    """Notify (and email) people going to sessions whose reminder is due; returns how many were sent."""
    at = at or clock.now()
    sessions = db.session.scalars(
        select(LearningSession)
        .join(Post, Post.id == LearningSession.post_id)
        .where(
            LearningSession.cancelled_at.is_(None),
            Post.status == "visible",
            LearningSession.starts_at > at,
            LearningSession.starts_at <= at + WINDOWS["day"],
        )
        .order_by(LearningSession.starts_at)
    ).all()
    outgoing: list[tuple[User, LearningSession, str]] = []
    for session in sessions:
        kind = due_kind(session, at)
        going = db.session.scalars(
            select(User)
            .join(SessionRsvp, SessionRsvp.user_id == User.id)
            .where(SessionRsvp.session_id == session.id, SessionRsvp.status == "going")
        ).all()
        for person in going:
            if not person.is_active or not can_see_session(person, session):
                continue  # left the community or the organisation: no reminder, nothing marked
            if not insert_once(
                SessionReminder,
                session_id=session.id,
                user_id=person.id,
                kind=kind,
                starts_at=session.starts_at,
                sent_at=at,
            ):
                continue
            if notify(
                person,
                "session_reminder",
                community=session.community,
                session_id=session.id,
                title=session.title,
                when=kind,
            ):
                outgoing.append((person, session, kind))
    for person, session, kind in outgoing:
        _email(person, session, kind)  # queued in the same transaction as the marker (app/mail.py)
    db.session.commit()
    return len(outgoing)


def _email(person: User, session: LearningSession, kind: str) -> None:
    from app.learning.views import when_text

    try:
        send_mail(
            person.email,
            f"{'Tomorrow' if kind == 'day' else 'In an hour'}: {session.title}",
            "session_reminder",
            person=person,
            session=session,
            kind=kind,
            when=when_text(session),
            url=f"{current_app.config['BASE_URL']}/sessions/{session.id}",  # no request here for url_for
            org_name=current_app.config["ORG_NAME"],
        )
    except OSError:  # a template or disk problem: the notification is there; never send this twice
        current_app.logger.exception("could not email a session reminder to user %s", person.id)


@task("session_reminders")
def session_reminders() -> int:
    """The job runner's pass: send due session reminders."""
    from app.db import writing

    with writing():
        return send_reminders()
