"""Ask leadership in search (the "Questions to leaders" tab): each visible question with its answer.

Everyone signed in may read the questions, so the type has no scope. An anonymous question is
indexed with no author and shown as "Anonymous" to everyone, its asker and admins included (the
question's own page is where they see their name): `from:@asker` can never find it, and nothing
indexed or shown carries the asker.
"""

from collections.abc import Sequence

from sqlalchemy import select

from app.extensions import db
from app.models import Event, Question, User
from app.search.content import plain_words, short_title
from app.search.registry import Doc, Result, SearchType, events_named, register_type

# Ask leadership's events; "question_created"/"question_updated" are a session Q&A's, not these.
_QUESTION_EVENTS = ("question_asked", "question_answered", "question_removed", "question_anonymised")


def _visible():
    return select(Question).where(Question.status == "visible")


def question_documents(ids: Sequence[int]) -> dict[int, Doc]:
    """Visible questions: the question as title and text, with the answer; no author if anonymous."""
    rows = db.session.scalars(_visible().where(Question.id.in_(ids))).unique()
    return {
        q.id: Doc(
            id=q.id,
            title=short_title(q.body_source),
            body=" ".join((plain_words(q.body_source), plain_words(q.answer_source or ""))),
            author_id=None if q.anonymous else q.asker_id,
            created_at=q.created_at,
        )
        for q in rows
    }


def indexable_question_ids():
    """Every question that belongs in the index."""
    return _visible().with_only_columns(Question.id).order_by(Question.id)


def questions_in_events(events: Sequence[Event]) -> set[int]:
    """Questions asked, answered (or the answer edited) and removed."""
    return events_named([e for e in events if e.name in _QUESTION_EVENTS], "question_", "question_id")


def visible_question_results(viewer: User, ids: Sequence[int]) -> dict[int, Result]:
    """Visible questions, linking to the question's page; an anonymous one names nobody."""
    rows = db.session.scalars(_visible().where(Question.id.in_(ids))).unique()
    results = {}
    for q in rows:
        answered = f", answered {q.answered_at:%-d %b %Y}" if q.answered_at else ", not answered yet"
        results[q.id] = Result(
            id=q.id,
            title=short_title(q.body_source),
            text=" ".join((plain_words(q.body_source), plain_words(q.answer_source or ""))),
            endpoint="leadership.question",
            values={"question_id": q.id},
            created_at=q.created_at,
            author=None if q.anonymous else q.asker,
            context=f"Asked of {q.leader.name}{answered}",
        )
    return results


register_type(
    SearchType(
        name="question",
        tab="questions",
        tab_label="Questions to leaders",
        label="Question",
        documents=question_documents,
        all_ids=indexable_question_ids,
        changed_ids=questions_in_events,
        load=visible_question_results,
        scope=None,
        order=80,
    )
)
