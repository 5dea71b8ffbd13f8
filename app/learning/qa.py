"""The live Q&A: open from the start to the end of a session (or earlier, when a host opens it);
questions, one upvote per person, answered and removed by hosts. Every change is an event for the
session's community, so app/realtime pushes it only to people who may read the session."""

from sqlalchemy import delete, select, update

from app import events
from app.communities.services import insert_once
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import strip_control
from app.learning import clock
from app.learning.services import phase
from app.models import LearningSession, SessionQuestion, SessionQuestionVote, User
from app.permissions import can_manage_session, can_see_session
from app.sanitize import render

MAX_QUESTION = 500


def qa_state(session: LearningSession) -> str:
    """open (questions welcome), waiting (not started, not opened), or closed (after it, or closed)."""
    state = phase(session)
    if state == "cancelled" or session.qa_closed_at is not None or state == "ended":
        return "closed"
    if state == "live" or session.qa_opened_at is not None:
        return "open"
    return "waiting"


def set_qa_open(actor: User, session: LearningSession, is_open: bool) -> None:
    """Hosts open the Q&A before the start, or close it."""
    if not can_manage_session(actor, session):
        raise PermissionDenied("Only the session's hosts can open or close the Q&A.")
    if phase(session) in ("ended", "cancelled"):
        raise ValidationError({"form": "This session is over, so its Q&A stays closed."})
    now = clock.now()
    session.qa_opened_at, session.qa_closed_at = (now, None) if is_open else (session.qa_opened_at, now)
    db.session.flush()
    events.record(
        "session_updated",
        actor=actor,
        community_id=session.community_id,
        session_id=session.id,
        qa=qa_state(session),
    )


def questions(session: LearningSession) -> list[SessionQuestion]:
    """Visible questions, most upvoted first (then oldest)."""
    return list(
        db.session.scalars(
            select(SessionQuestion)
            .where(SessionQuestion.session_id == session.id, SessionQuestion.status == "visible")
            .order_by(SessionQuestion.vote_count.desc(), SessionQuestion.id)
        )
    )


def my_votes(user: User, session: LearningSession) -> set[int]:
    """Which of the session's questions the person upvoted (one query)."""
    return set(
        db.session.scalars(
            select(SessionQuestionVote.question_id)
            .join(SessionQuestion, SessionQuestion.id == SessionQuestionVote.question_id)
            .where(SessionQuestion.session_id == session.id, SessionQuestionVote.user_id == user.id)
        )
    )


def has_voted(user: User, question: SessionQuestion) -> bool:
    """Whether the person upvoted this question."""
    return db.session.get(SessionQuestionVote, (question.id, user.id)) is not None


def get_question(user: User, question_id: int) -> tuple[SessionQuestion, LearningSession]:
    """A visible question and its session, if the person may see the session."""
    question = db.session.get(SessionQuestion, question_id)
    session = db.session.get(LearningSession, question.session_id) if question else None
    if question is None or question.status != "visible" or not can_see_session(user, session):
        raise NotFound("We couldn't find that question.")
    return question, session


def _record(name: str, actor: User, session: LearningSession, question: SessionQuestion, **data) -> None:
    events.record(
        name,
        actor=actor,
        community_id=session.community_id,
        session_id=session.id,
        question_id=question.id,
        vote_count=question.vote_count,
        answered=question.answered_at is not None,
        **data,
    )


def ask(author: User, session: LearningSession, body: str) -> SessionQuestion:
    """Ask a question while the Q&A is open."""
    body = strip_control(body).strip()
    if not can_see_session(author, session):
        raise PermissionDenied("You can't ask questions in this session.")
    if not body:
        raise ValidationError({"body": "Type your question first."})
    if len(body) > MAX_QUESTION:
        raise ValidationError(
            {"body": f"Keep questions under {MAX_QUESTION} characters (this is {len(body)})."}
        )
    if qa_state(session) != "open":
        raise ValidationError({"body": "The Q&A isn't open right now."})
    rendered = render(body)
    question = SessionQuestion(
        session_id=session.id,
        author_id=author.id,
        body_source=body,
        body_html=rendered.html,
        render_version=rendered.version,
        vote_count=0,
        created_at=clock.now(),
    )
    db.session.add(question)
    db.session.flush()
    _record("question_created", author, session, question, author_id=author.id)
    return question


def vote(user: User, question: SessionQuestion, session: LearningSession, up: bool) -> SessionQuestion:
    """Upvote (or take back an upvote); one per person, counted with an atomic UPDATE."""
    if qa_state(session) != "open":
        raise ValidationError({"vote": "Voting is closed: the Q&A isn't open."})
    if up:
        changed = insert_once(
            SessionQuestionVote, question_id=question.id, user_id=user.id, created_at=clock.now()
        )
        delta = 1 if changed else 0
    else:
        gone = db.session.execute(
            delete(SessionQuestionVote).where(
                SessionQuestionVote.question_id == question.id, SessionQuestionVote.user_id == user.id
            )
        )
        delta = -1 if gone.rowcount == 1 else 0
    if delta:
        db.session.execute(
            update(SessionQuestion)
            .where(SessionQuestion.id == question.id)
            .values(vote_count=SessionQuestion.vote_count + delta)
            .execution_options(synchronize_session=False)
        )
        db.session.refresh(question, ["vote_count"])
        _record("question_updated", user, session, question)
    return question


def set_answered(actor: User, question: SessionQuestion, session: LearningSession, answered: bool) -> None:
    """Hosts mark a question answered (or not)."""
    if not can_manage_session(actor, session):
        raise PermissionDenied("Only the session's hosts can mark questions answered.")
    question.answered_at = clock.now() if answered else None
    question.answered_by_id = actor.id if answered else None
    db.session.flush()
    _record("question_updated", actor, session, question)


def remove_question(actor: User, question: SessionQuestion, session: LearningSession) -> None:
    """Its author or a host removes a question."""
    if question.author_id != actor.id and not can_manage_session(actor, session):
        raise PermissionDenied("You can't remove this question.")
    question.status = "deleted"
    db.session.flush()
    _record("question_updated", actor, session, question, removed=True)
