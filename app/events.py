"""The durable event log: record() in the transaction, dispatch() after commit, replay() on start.

Nothing is emitted or indexed for a transaction that rolled back, and nothing is lost in a crash:
events still marked undispatched are replayed on start and by `flask jobs tick`.
"""

from collections.abc import Callable

from flask import Flask, current_app
from sqlalchemy import event as sa_event
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Event, User

# Every event name the product uses, `<noun>_<past_verb>`; record() refuses others.
EVENT_NAMES = frozenset(
    {
        "post_created",
        "post_updated",
        "post_deleted",
        "post_pinned",
        "post_held",
        "post_approved",
        "reply_created",
        "reply_updated",
        "reply_deleted",
        "reply_held",
        "reply_approved",
        "reaction_updated",
        "notification_created",
        "membership_created",
        "membership_removed",
        "user_updated",
        "user_deactivated",
        "community_updated",
        "session_created",
        "session_updated",
        "question_created",
        "question_updated",
        "link_created",
        "curator_granted",
        "curator_revoked",
        # proposals for public channels (app/proposals): to the readers of the proposal's community
        "proposal_created",
        "proposal_updated",
        "proposal_moved",
        "endorsement_updated",
        "suggestion_created",
        "suggestion_decided",
        "update_acknowledged",
        "question_asked",
        "question_answered",
        "question_upvoted",
        "question_removed",
    }
)

# Handlers get the events and a fresh session: the committing session may not run SQL any more.
Handler = Callable[[list[Event], Session], None]
_handlers: list[Handler] = []
_PENDING = "rollcall_pending_events"
_COMMITTED = "rollcall_committed_events"


def subscribe(handler: Handler) -> Handler:
    """Register a function that receives committed events (the realtime pusher, the search indexer)."""
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def record(
    name: str,
    *,
    actor: User | None = None,
    community_id: int | None = None,
    user_id: int | None = None,
    **data,
) -> Event:
    """Add an event row to the current transaction; it is dispatched after commit."""
    if name not in EVENT_NAMES:
        raise ValueError(f"unregistered event name {name!r}")
    row = Event(
        name=name, actor_id=actor.id if actor else None, community_id=community_id, user_id=user_id, data=data
    )
    session = db.session()
    session.add(row)
    session.info.setdefault(_PENDING, []).append(row)
    return row


def dispatch(events: list[Event]) -> None:
    """Hand events to every subscriber, then mark them dispatched."""
    if not events:
        return
    with Session(bind=db.engine, expire_on_commit=False) as session:
        for handler in _handlers:
            try:
                handler(events, session)
            except Exception:  # noqa: BLE001 - leave the events undispatched so replay tries again
                current_app.logger.exception("event handler %s failed", getattr(handler, "__name__", handler))
                return
            session.rollback()
        session.execute(update(Event).where(Event.id.in_([e.id for e in events])).values(dispatched=True))
        session.commit()


def replay(limit: int = 1000) -> int:
    """Dispatch events committed but never dispatched (after a crash); returns how many."""
    # Its own short session: the caller's session may hold an old snapshot (SQLite WAL).
    with Session(bind=db.engine, expire_on_commit=False) as session:
        pending = list(
            session.scalars(select(Event).where(Event.dispatched.is_(False)).order_by(Event.id).limit(limit))
        )
    dispatch(pending)
    return len(pending)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released (SQLAlchemy fires after_commit for it); the real commit is to come
    committed = session.info.pop(_PENDING, [])
    if committed:
        session.info.setdefault(_COMMITTED, []).extend(committed)


def _after_transaction_end(session: Session, transaction) -> None:
    # Dispatch once the committed transaction has ended and handed its connection back: dispatching
    # inside after_commit would hold two pooled connections per writer, and enough concurrent
    # writers then starve the pool (each waiting for a second connection while holding one).
    if transaction.parent is None and session.info.get(_COMMITTED):
        dispatch(session.info.pop(_COMMITTED))


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: its events never happened
        session.info.pop(_PENDING, None)


def init_app(app: Flask) -> None:
    """Hook dispatch to the session's commit (once per process)."""
    from app.db import AppSession

    if not sa_event.contains(AppSession, "after_commit", _after_commit):
        sa_event.listen(AppSession, "after_commit", _after_commit)
        sa_event.listen(AppSession, "after_transaction_end", _after_transaction_end)
        sa_event.listen(AppSession, "after_soft_rollback", _after_soft_rollback)


def visible_events(user: User, after: int = 0, limit: int = 500):
    """Events after a seq that the person may see: their communities' readable ones and their own."""
    from sqlalchemy import and_, or_

    from app.permissions import visible_community_ids
    from app.permissions.updates import hidden_update_posts

    about_post = Event.data["post_id"].as_integer()
    return (
        select(Event)
        .where(
            Event.id > after,
            or_(
                Event.user_id == user.id,
                and_(
                    Event.user_id.is_(None),
                    Event.community_id.in_(visible_community_ids(user)),
                    # events about a leadership update go to its audience only (realtime.push agrees)
                    or_(about_post.is_(None), about_post.not_in(hidden_update_posts(user))),
                ),
                and_(Event.user_id.is_(None), Event.community_id.is_(None)),
            ),
        )
        .order_by(Event.id)
        .limit(limit)
    )
