"""The durable event log: record() in the transaction, dispatch() after commit, replay() on start.

Nothing is emitted or indexed for a transaction that rolled back, and nothing is lost in a crash:
events still marked undispatched are replayed on start and by `flask jobs tick`.
"""

from collections.abc import Callable
from datetime import timedelta

from flask import Flask, current_app, has_request_context
from sqlalchemy import event as sa_event
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from app.db import write_intent, writing
from app.dispatcher import dispatcher_for, in_background
from app.extensions import db
from app.models import Event, User, utcnow

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
        "user_created",
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
        "question_anonymised",
        "unit_updated",
    }
)

# Handlers get the events and a fresh session: the committing session may not run SQL any more.
Handler = Callable[[list[Event], Session], None]
_handlers: list[Handler] = []
_PENDING = "rollcall_pending_events"
_COMMITTED = "rollcall_committed_events"
# How long a replayed event is also sent to reconnecting clients that have seen later seqs.
LATE_WINDOW = timedelta(minutes=10)
# Any constant: the one PostgreSQL advisory lock that puts event inserts in commit order.
EVENT_ORDER_LOCK = 7_262_011


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
        # Handlers only read: even after a request that wrote, they must not take SQLite's write
        # lock (BEGIN IMMEDIATE) and hold every other writer while they work out who to push to.
        reading = write_intent.set(False)
        try:
            for handler in _handlers:
                try:
                    handler(events, session)
                except Exception:  # noqa: BLE001 - leave the events undispatched so replay tries again
                    current_app.logger.exception(
                        "event handler %s failed", getattr(handler, "__name__", handler)
                    )
                    return
                session.rollback()
        finally:
            write_intent.reset(reading)
        with writing():
            session.execute(update(Event).where(Event.id.in_([e.id for e in events])).values(dispatched=True))
            session.commit()


def replay(limit: int = 1000, min_age: timedelta = timedelta(0)) -> int:
    """Dispatch events committed but never dispatched (after a crash), at least min_age old."""
    # Its own short session: the caller's session may hold an old snapshot (SQLite WAL).
    with Session(bind=db.engine, expire_on_commit=False) as session:
        stmt = select(Event).where(Event.dispatched.is_(False), Event.created_at <= utcnow() - min_age)
        pending = list(session.scalars(stmt.order_by(Event.id).limit(limit)))
    if pending:
        # Marked before the push: a client that was away when a later seq reached it, and that
        # reconnects from now on, is sent these too (see late_events).
        with Session(bind=db.engine) as session:
            ids = [e.id for e in pending]
            session.execute(update(Event).where(Event.id.in_(ids)).values(replayed_at=utcnow()))
            session.commit()
    dispatch(pending)
    return len(pending)


def _before_commit(session: Session) -> None:
    """On PostgreSQL, renumber the transaction's events just before commit, so seqs follow commit order.

    A client catching up asks for "after seq N" (and an indexer keeps its place the same way): an
    event numbered below N that commits after N was seen would never be replayed. SQLite has one
    writer at a time, so its ids already follow commit order. PostgreSQL transactions draw ids
    whenever they flush, so each takes the next ids again under one advisory lock held from here to
    the commit (microseconds). Everything else is flushed first: whoever holds the lock needs no
    row lock, so it can't deadlock with a transaction waiting for it.
    """
    pending = session.info.get(_PENDING)
    if not pending or session.in_nested_transaction() or session.get_bind().dialect.name != "postgresql":
        return
    session.flush()
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENT_ORDER_LOCK})
    fresh = session.scalars(
        text("SELECT nextval(pg_get_serial_sequence('events', 'id')) FROM generate_series(1, :n)"),
        {"n": len(pending)},
    )
    for row, new_id in zip(pending, sorted(fresh), strict=True):
        row.id = new_id  # the ORM updates the primary key at the commit's flush


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
        committed = session.info.pop(_COMMITTED)
        if has_request_context() and in_background(current_app, committed):
            app = current_app._get_current_object()  # the thread needs the app, not the proxy
            dispatcher_for(app).submit(committed)  # the request answers without waiting
        else:
            dispatch(committed)


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: its events never happened
        session.info.pop(_PENDING, None)


def init_app(app: Flask) -> None:
    """Hook dispatch to the session's commit (once per process)."""
    from app.db import AppSession

    if not sa_event.contains(AppSession, "after_commit", _after_commit):
        sa_event.listen(AppSession, "before_commit", _before_commit)
        sa_event.listen(AppSession, "after_commit", _after_commit)
        sa_event.listen(AppSession, "after_transaction_end", _after_transaction_end)
        sa_event.listen(AppSession, "after_soft_rollback", _after_soft_rollback)


def _visible_to(user: User):
    """Events the person may see: their communities' readable ones, their own, and everyone's."""
    from sqlalchemy import and_, or_

    from app.permissions import visible_community_ids
    from app.permissions.updates import hidden_update_posts

    about_post = Event.data["post_id"].as_integer()
    return select(Event).where(
        or_(
            Event.user_id == user.id,
            and_(
                Event.user_id.is_(None),
                Event.community_id.in_(visible_community_ids(user)),
                # events about a leadership update go to its audience only (realtime.push agrees)
                or_(about_post.is_(None), about_post.not_in(hidden_update_posts(user))),
            ),
            and_(Event.user_id.is_(None), Event.community_id.is_(None)),
        )
    )


def visible_events(user: User, after: int = 0, limit: int = 500):
    """Events after a seq that the person may see: their communities' readable ones and their own."""
    return _visible_to(user).where(Event.id > after).order_by(Event.id).limit(limit)


def late_events(user: User, after: int, limit: int = 500):
    """Events at or below a seq that the person may see and that were replayed in the last minutes.

    A crash can leave event N committed but unpushed while N+1 reaches a client; N is pushed
    later, by replay. A client that was away at that moment and reconnects with "after N+1" would
    never get N: catch-up sends these as well (clients ignore seqs they already have).
    """
    recent = utcnow() - LATE_WINDOW
    return (
        _visible_to(user)
        .where(Event.id <= after, Event.replayed_at >= recent)
        .order_by(Event.id)
        .limit(limit)
    )
