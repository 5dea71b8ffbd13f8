"""Afterwards: feedback from people who attended or were going, and the session's summary."""

from dataclasses import dataclass, field

from sqlalchemy import func, select, update

from app.communities.services import insert_once
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.forms import clean_text
from app.learning import clock
from app.learning.services import phase
from app.models import LearningSession, SessionFeedback, SessionMaterial, SessionQuestion, SessionRsvp, User
from app.permissions import can_manage_session

MAX_APPLY = 500


def can_give_feedback(user: User, session: LearningSession) -> bool:
    """After it ends: people marked as attending, or who were going."""
    if phase(session) != "ended":
        return False
    row = db.session.get(SessionRsvp, (session.id, user.id))
    return row is not None and (row.attended is True or row.status == "going")


def my_feedback(user: User, session: LearningSession) -> SessionFeedback | None:
    """The person's feedback, if they gave it."""
    return db.session.get(SessionFeedback, (session.id, user.id))


def parse_rating(raw: object) -> int | None:
    """A rating 1-5 from a form or JSON (None when it can't be one)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) == 1:
        raw = int(raw.strip())
    return raw if isinstance(raw, int) and 1 <= raw <= 5 else None


def give_feedback(user: User, session: LearningSession, rating: object, apply_text: str) -> SessionFeedback:
    """Save (or change) my rating and "one thing I'll apply"; one per person."""
    if not can_give_feedback(user, session):
        raise PermissionDenied("Feedback is for people who attended or were going, once the session is over.")
    value = parse_rating(rating)
    apply_text = clean_text(apply_text)
    errors = {}
    if value is None:
        errors["rating"] = "Choose a rating from 1 to 5."
    if len(apply_text) > MAX_APPLY:
        errors["apply_text"] = f"Keep it under {MAX_APPLY} characters (this is {len(apply_text)})."
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    values = {"rating": value, "apply_text": apply_text, "updated_at": now}
    # Insert-or-update without a read-then-write race (a double click sends two at once).
    if not insert_once(SessionFeedback, session_id=session.id, user_id=user.id, created_at=now, **values):
        db.session.execute(
            update(SessionFeedback)
            .where(SessionFeedback.session_id == session.id, SessionFeedback.user_id == user.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    return db.session.get(SessionFeedback, (session.id, user.id), populate_existing=True)


@dataclass
class Summary:
    """What a session page keeps afterwards: attendance, rating, questions, materials."""

    going: int
    attended: int | None
    rating: float | None
    ratings: int
    questions: list[SessionQuestion]
    materials: list[SessionMaterial]
    applies: list[str] = field(default_factory=list)


def summary(viewer: User, session: LearningSession) -> Summary:
    """The summary (hosts also read the "one thing I'll apply" answers, without names)."""
    from app.learning.qa import questions

    marked, attended = db.session.execute(
        select(func.count(SessionRsvp.attended), func.count().filter(SessionRsvp.attended.is_(True))).where(
            SessionRsvp.session_id == session.id
        )
    ).one()
    average, ratings = db.session.execute(
        select(func.avg(SessionFeedback.rating), func.count()).where(SessionFeedback.session_id == session.id)
    ).one()
    applies: list[str] = []
    if can_manage_session(viewer, session):
        applies = list(
            db.session.scalars(
                select(SessionFeedback.apply_text)
                .where(SessionFeedback.session_id == session.id, SessionFeedback.apply_text != "")
                .order_by(SessionFeedback.updated_at.desc())
            )
        )
    from app.learning.materials import materials_for

    return Summary(
        going=session.going_count,
        attended=attended if marked else None,
        rating=round(float(average), 1) if average is not None else None,
        ratings=ratings,
        questions=questions(session),
        materials=materials_for(session),
        applies=applies,
    )
