"""Ask leadership: staff ask a leader (optionally anonymously to peers), others upvote, the leader answers.

An anonymous asker's name appears to nobody but themselves and admins: pages and the API go through
can_see_asker(), notifications and events about the question carry no asker, and search must not
index the asker of an anonymous question (see docs/features/leadership.md).
"""

from collections import defaultdict
from statistics import median

from sqlalchemy import Select, delete, func, select

from app import audit, events
from app.communities.services import insert_once
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import MAX_ID, clean_text, parse_id, strip_control
from app.models import Question, QuestionVote, User, utcnow
from app.notifications.services import notify, notify_many, register_kinds
from app.permissions import has_role, is_admin
from app.posts import screening
from app.posts.rendering import render_body
from app.sanitize import plain_text

MAX_QUESTION, MAX_ANSWER = 2000, 5000
TABS = ("top", "new", "unanswered", "answered")

register_kinds(
    question_asked="Someone asks me a question (leaders)",
    question_answered="A question I asked or upvoted is answered",
)


def leaders() -> list[User]:
    """Active leaders people can ask, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == "leader", User.deactivated_at.is_(None), User.email_confirmed_at.is_not(None))
            .order_by(User.name)
        )
    )


def can_see_asker(viewer: User, question: Question) -> bool:
    """Anonymous questions hide their asker from everyone but the asker and admins (never from admins)."""
    return not question.anonymous or viewer.id == question.asker_id or is_admin(viewer)


def _text(body: str, field: str, limit: int, empty: str) -> str:
    body = strip_control(body).strip()
    if not body:
        raise ValidationError({field: empty})
    if len(body) > limit:
        raise ValidationError({field: f"Keep it under {limit:,} characters (this is {len(body):,})."})
    return body


def ask(
    asker: User,
    leader_id: int | str | None,
    body: str,
    anonymous: bool = False,
    confirm_sensitive: bool = False,
) -> Question:
    """Ask a leader a question; the leader is notified (by nobody in particular, if anonymous). The
    sensitive-content warning asks the asker to edit or confirm first (NeedsConfirmation)."""
    errors: dict[str, str] = {}
    wanted = parse_id(leader_id) if leader_id not in (None, "") else None
    leader = db.session.get(User, wanted) if wanted else None
    if leader is None or leader.role != "leader" or not leader.is_active:
        errors["leader_id"] = "Choose the leader you want to ask."
    elif leader.id == asker.id:
        errors["leader_id"] = "You can't ask yourself: choose another leader."
    try:
        body = _text(body, "body", MAX_QUESTION, "Write your question.")
    except ValidationError as exc:
        errors |= exc.fields
    if errors:
        raise ValidationError(errors)
    findings = screening.check_sensitive(asker, {"body": body}, confirm_sensitive)
    rendered, _ = render_body(body)
    question = Question(
        leader_id=leader.id,
        asker_id=asker.id,
        anonymous=bool(anonymous),
        body_source=body,
        body_html=rendered.html,
        render_version=rendered.version,
    )
    db.session.add(question)
    db.session.flush()
    screening.sensitive_confirmed(asker, "question", question.id, findings)
    shown_as = None if question.anonymous else asker
    notify(leader, "question_asked", actor=shown_as, question_id=question.id, excerpt=plain_text(body, 140))
    events.record("question_asked", actor=shown_as, question_id=question.id, leader_id=leader.id)
    return question


def get_question(viewer: User, question_id: int) -> Question:
    """A question (removed ones only for moderators and the asker); NotFound otherwise."""
    question = db.session.get(Question, question_id) if 0 < question_id <= MAX_ID else None
    if question is None or (
        question.status != "visible" and question.asker_id != viewer.id and not has_role(viewer, "moderator")
    ):
        raise NotFound("We couldn't find that question.")
    return question


def vote_count(question: Question) -> int:
    """How many people upvoted the question."""
    return db.session.scalar(select(func.count()).where(QuestionVote.question_id == question.id)) or 0


def set_vote(user: User, question: Question, on: bool) -> int:
    """Upvote (one each) or take the upvote back; returns the new count."""
    if question.status != "visible":
        raise ValidationError({"vote": "This question was removed."})
    if question.asker_id == user.id:
        raise ValidationError({"vote": "You asked this question, so your vote is already counted."})
    if on:
        insert_once(QuestionVote, question_id=question.id, user_id=user.id)
    else:
        db.session.execute(
            delete(QuestionVote).where(
                QuestionVote.question_id == question.id, QuestionVote.user_id == user.id
            )
        )
    db.session.flush()
    count = vote_count(question)
    events.record("question_upvoted", question_id=question.id, votes=count)
    return count


def answer(leader: User, question: Question, body: str) -> Question:
    """The leader asked answers in public (editing keeps the first answer's time for response figures)."""
    if question.leader_id != leader.id:
        raise PermissionDenied("Only the leader who was asked can answer.")
    if question.status != "visible":
        raise ValidationError({"answer": "This question was removed."})
    body = _text(body, "answer", MAX_ANSWER, "Write your answer.")
    rendered, _ = render_body(body)
    first = question.answered_at is None
    question.answer_source, question.answer_html = body, rendered.html
    question.answered_at = question.answered_at or utcnow()
    db.session.flush()
    if first:
        voters = db.session.scalars(
            select(QuestionVote.user_id).where(QuestionVote.question_id == question.id)
        )
        notify_many(
            {question.asker_id, *voters},
            "question_answered",
            actor=leader,
            question_id=question.id,
            excerpt=plain_text(question.body_source, 140),
        )
    events.record("question_answered", actor=leader, question_id=question.id)
    return question


def remove(moderator: User, question: Question, reason: str) -> None:
    """Moderators take a question down, saying why (audited)."""
    if not has_role(moderator, "moderator"):
        raise PermissionDenied("Only moderators can remove questions.")
    reason = clean_text(reason)[:500]
    if not reason:
        raise ValidationError({"reason": "Say why, so the asker understands."})
    question.status = "removed"
    db.session.flush()
    audit.record(moderator, "question.removed", "question", question.id, reason)
    events.record("question_removed", question_id=question.id)


def question_list(tab: str, leader_id: int | None = None) -> Select[tuple[Question]]:
    """Visible questions for a tab: top (most upvoted), new, unanswered or answered."""
    if tab not in TABS:
        raise ValidationError({"tab": "Choose top, new, unanswered or answered."})
    stmt = select(Question).where(Question.status == "visible")
    if leader_id is not None:
        stmt = stmt.where(Question.leader_id == leader_id)
    if tab == "unanswered":
        stmt = stmt.where(Question.answered_at.is_(None))
    elif tab == "answered":
        stmt = stmt.where(Question.answered_at.is_not(None))
    if tab == "top":
        votes = (
            select(func.count())
            .where(QuestionVote.question_id == Question.id)
            .correlate(Question)
            .scalar_subquery()
        )
        return stmt.order_by(votes.desc(), Question.id.desc())
    return stmt.order_by(Question.id.desc())


def vote_figures(user: User, questions: list[Question]) -> tuple[dict[int, int], set[int]]:
    """Upvote counts and the ones I upvoted, for a page of questions (two queries)."""
    ids = [q.id for q in questions]
    if not ids:
        return {}, set()
    counts = dict(
        db.session.execute(
            select(QuestionVote.question_id, func.count())
            .where(QuestionVote.question_id.in_(ids))
            .group_by(QuestionVote.question_id)
        ).all()
    )
    mine = set(
        db.session.scalars(
            select(QuestionVote.question_id).where(
                QuestionVote.question_id.in_(ids), QuestionVote.user_id == user.id
            )
        )
    )
    return counts, mine


def leader_stats() -> list[dict]:
    """Per active leader: questions asked, answered, response rate and median time to answer."""
    people = leaders()
    rows = db.session.execute(
        select(Question.leader_id, Question.created_at, Question.answered_at).where(
            Question.status == "visible", Question.leader_id.in_([p.id for p in people])
        )
    ).all()
    asked: dict[int, int] = defaultdict(int)
    waits: dict[int, list] = defaultdict(list)
    for leader_id, created, answered in rows:
        asked[leader_id] += 1
        if answered is not None:
            waits[leader_id].append(answered - created)
    return [
        {
            "leader": p,
            "asked": asked[p.id],
            "answered": len(waits[p.id]),
            "rate": 100.0 * len(waits[p.id]) / asked[p.id] if asked[p.id] else None,
            "median": median(waits[p.id]) if waits[p.id] else None,
        }
        for p in people
    ]
