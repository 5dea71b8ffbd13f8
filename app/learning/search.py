"""Lunch-and-learn sessions in search (the "Lunch-and-learn sessions" tab): title, description, hosts,
place and date, seen by the readers of the session's community while its post is visible.

Keyed in the index by the session's post id, so the post's events (edits, moderation, removal, a
purge that cascades the session away, an author anonymised) reach it directly. The date indexed
is when the session starts: "newest" and the date filters are about when it happens.
"""

from collections.abc import Sequence

from sqlalchemy import or_, select

from app.extensions import db
from app.learning.views import when_text
from app.models import Event, LearningSession, Post, SessionHost, User
from app.permissions import visible_sessions
from app.search.content import plain_words, post_topics
from app.search.registry import Doc, Result, SearchType, events_named, post_ids_of_kind, register_type

# session_updated is recorded for every RSVP too (rsvp=True): those change nothing searchable.
_UNSEARCHED = ("rsvp",)


def _indexable():
    return (
        select(LearningSession)
        .join(Post, Post.id == LearningSession.post_id)
        .where(Post.kind == "session", Post.status == "visible")
    )


def session_documents(post_ids: Sequence[int]) -> dict[int, Doc]:
    """Visible sessions: the title, and the description, hosts and place as text."""
    sessions = list(db.session.scalars(_indexable().where(Post.id.in_(post_ids))).unique())
    topics = post_topics([s.post_id for s in sessions])
    return {
        s.post_id: Doc(
            id=s.post_id,
            title=s.title,
            body=" ".join(
                (
                    plain_words(s.post.body_source),
                    " ".join(h.name for h in s.hosts),
                    s.place,
                    "cancelled" if s.is_cancelled else "",
                )
            ),
            topics=topics.get(s.post_id, []),
            author_id=s.post.author_id,
            community_id=s.community_id,
            created_at=s.starts_at,
        )
        for s in sessions
    }


def indexable_session_ids():
    """The post of every session that belongs in the index."""
    return _indexable().with_only_columns(LearningSession.post_id).order_by(LearningSession.post_id)


def sessions_in_events(events: Sequence[Event]) -> set[int]:
    """Session posts named by post_* events, sessions created or changed (not RSVPs), and the
    sessions of a person renamed or erased (hosts' names are indexed)."""
    ids = post_ids_of_kind(events, "session", "post_")
    changed = events_named(
        [e for e in events if not any((e.data or {}).get(k) for k in _UNSEARCHED)], "session_", "session_id"
    )
    people = events_named(events, "user_", "id")
    if any(e.name.startswith("user_") and (e.data or {}).get("erased") for e in events):
        # An erasure deletes their host rows before we look: every session is re-read (they are few).
        return ids | set(db.session.scalars(indexable_session_ids()))
    conditions = []
    if changed:
        conditions.append(LearningSession.id.in_(changed))
    if people:
        hosted = select(SessionHost.session_id).where(SessionHost.user_id.in_(people))
        conditions += [LearningSession.id.in_(hosted), LearningSession.organiser_id.in_(people)]
    if conditions:
        ids |= set(db.session.scalars(select(LearningSession.post_id).where(or_(*conditions))))
    return ids


def visible_session_results(viewer: User, post_ids: Sequence[int]) -> dict[int, Result]:
    """The sessions the viewer may see now, linking to the session's page."""
    sessions = db.session.scalars(visible_sessions(viewer).where(Post.id.in_(post_ids))).unique()
    results = {}
    for s in sessions:
        hosts = ", ".join(h.name for h in s.hosts)
        when = f"Cancelled: was {when_text(s)}" if s.is_cancelled else when_text(s)
        results[s.post_id] = Result(
            id=s.id,
            title=s.title,
            text=plain_words(s.post.body_source),
            endpoint="learning.show",
            values={"session_id": s.id},
            created_at=s.starts_at,
            author=s.post.author,
            community=s.community,
            context=f"{when} · hosted by {hosts}" if hosts else when,
        )
    return results


register_type(
    SearchType(
        name="session",
        tab="sessions",
        tab_label="Lunch-and-learn sessions",
        label="Session",
        documents=session_documents,
        all_ids=indexable_session_ids,
        changed_ids=sessions_in_events,
        load=visible_session_results,
        post_kinds=("session",),
        order=50,
    )
)
