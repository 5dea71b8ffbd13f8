"""What session pages and feed cards share: local times in words, form values, the card loader."""

from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from sqlalchemy import select

from app.extensions import db
from app.feeds.queries import register_extra
from app.learning import clock, rsvps
from app.learning.services import phase
from app.models import LearningSession, Post, User


def _day(value: datetime) -> str:
    return value.strftime("%A %-d %B %Y")


def when_text(session: LearningSession) -> str:
    """ "Tuesday 24 March 2026, 12:30–13:30 GMT" on the organisation's wall clock (BST in summer)."""
    start, end = clock.local(session.starts_at), clock.local(session.ends_at)
    zone = end.tzname() if start.tzname() == end.tzname() else f"{start.tzname()}/{end.tzname()}"
    if start.date() == end.date():
        return f"{_day(start)}, {start:%H:%M}–{end:%H:%M} {zone}"
    return f"{_day(start)} {start:%H:%M} {start.tzname()} – {_day(end)} {end:%H:%M} {end.tzname()}"


def short_when(value: datetime) -> str:
    """ "Tue 24 Mar, 12:30 GMT" on the organisation's wall clock."""
    moment = clock.local(value)
    return f"{moment:%a %-d %b}, {moment:%H:%M} {moment.tzname()}"


def month_label(value: datetime) -> str:
    """ "Mar": the month of a local date, for the list's date block."""
    return f"{clock.local(value):%b}"


def day_number(value: datetime) -> str:
    """ "24": the day of a local date, for the list's date block."""
    return str(clock.local(value).day)


def file_size(size: int) -> str:
    """ "2.4 MB" or "820 KB"."""
    if size >= 1024 * 1024:
        return f"{size / 1048576:.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, round(size / 1024))} KB"


def form_values(session: LearningSession) -> dict[str, str]:
    """A session's fields as the edit form shows them (local date and times)."""
    start, end = clock.local(session.starts_at), clock.local(session.ends_at)
    return {
        "title": session.title,
        "description": session.post.body_source,
        "date": start.date().isoformat(),
        "start_time": f"{start:%H:%M}",
        "end_time": f"{end:%H:%M}",
        "place": session.place,
        "video_url": session.video_url,
        "capacity": "" if session.capacity is None else str(session.capacity),
        "community_id": str(session.community_id),
        "hosts": " ".join(f"@{h.handle}" for h in session.hosts),
        "objective_id": str(session.post.objective_id or ""),
    }


@dataclass
class Card:
    """What a session's feed card shows, loaded for a whole page at once."""

    session: LearningSession
    phase: str
    my_status: str | None
    waiting: int


def load_cards(viewer: User, posts: list[Post]) -> dict[int, Card]:
    """register_extra loader: the sessions behind a page's session posts (four queries, any page size)."""
    post_ids = [p.id for p in posts if p.kind == "session"]
    if not post_ids:
        return {}
    sessions = list(db.session.scalars(select(LearningSession).where(LearningSession.post_id.in_(post_ids))))
    ids = [s.id for s in sessions]
    mine = rsvps.my_statuses(viewer, ids)
    counts = rsvps.counts(ids)
    at = clock.now()
    return {
        s.post_id: Card(s, phase(s, at), mine.get(s.id), counts.get(s.id, {}).get("waiting", 0))
        for s in sessions
    }


register_extra("session", load_cards)


def render_question(question, session, voted: bool, manage: bool) -> str:
    """One Q&A item as HTML (the live page fetches it)."""
    from app.learning.qa import qa_state

    return render_template(
        "learning/_question.html",
        question=question,
        session=session,
        voted=voted,
        manage=manage,
        qa_open=qa_state(session) == "open",
    )


def render_show(session: LearningSession, errors: dict | None = None, form=None, status: int = 200):
    """The session page (with a form's errors beside its fields when given)."""
    from flask_login import current_user

    from app.learning import feedback, qa
    from app.learning.materials import materials_for
    from app.permissions import can_manage_session

    return render_template(
        "learning/show.html",
        session=session,
        phase=phase(session),
        mine=rsvps.my_rsvp(current_user, session),
        counts=rsvps.counts([session.id])[session.id],
        manage=can_manage_session(current_user, session),
        materials=materials_for(session),
        qa_state=qa.qa_state(session),
        questions=qa.questions(session),
        voted_ids=qa.my_votes(current_user, session),
        can_feedback=feedback.can_give_feedback(current_user, session),
        my_feedback=feedback.my_feedback(current_user, session),
        objective_name=_objective_name(session),
        errors=errors or {},
        form=form or {},
    ), status


def _objective_name(session: LearningSession) -> str | None:
    from app.models import Objective

    objective = db.session.get(Objective, session.post.objective_id) if session.post.objective_id else None
    return objective.name if objective else None
