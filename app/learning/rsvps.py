"""RSVPs and the waiting list, safe under concurrent requests on SQLite and PostgreSQL.

Seats are a counter on the session changed only by conditional UPDATEs
(`going_count = going_count + 1 WHERE going_count < capacity`), which the database evaluates
against the latest committed row: PostgreSQL re-checks the WHERE after waiting for a concurrent
writer's row lock, and SQLite writers are serialised by BEGIN IMMEDIATE. A CHECK constraint refuses
an overbooked row whatever happens. Each person's RSVP row is changed compare-and-set (`WHERE
status = <what I read>`); losing that race raises RsvpConflict, and callers retry the whole
transaction (see `with_retries`), so the counter always matches the rows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from app import events
from app.communities.services import insert_once
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.learning import clock
from app.learning.services import phase
from app.models import LearningSession, SessionRsvp, User
from app.notifications.services import notify
from app.permissions import can_manage_session, can_see_session

RESPONSES = ("going", "maybe", "cant")
LABELS = {"going": "Going", "maybe": "Maybe", "cant": "Can't go", "waiting": "Waiting list"}
RETRIES = 5
T = TypeVar("T")


class RsvpConflict(Exception):
    """Someone changed the same RSVP at the same moment: roll back and try again."""


@dataclass
class MyRsvp:
    """A person's answer and, on the waiting list, their place in it (1 = next in)."""

    status: str | None
    position: int | None = None


def _take_seat(session_id: int) -> bool:
    taken = db.session.execute(
        update(LearningSession)
        .where(
            LearningSession.id == session_id,
            (LearningSession.capacity.is_(None)) | (LearningSession.going_count < LearningSession.capacity),
        )
        .values(going_count=LearningSession.going_count + 1)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1


def _free_seat(session_id: int) -> None:
    db.session.execute(
        update(LearningSession)
        .where(LearningSession.id == session_id, LearningSession.going_count > 0)
        .values(going_count=LearningSession.going_count - 1)
        .execution_options(synchronize_session=False)
    )


def _swap(session_id: int, user_id: int, old: str | None, new: str, waitlisted) -> bool:
    """Compare-and-set one RSVP row: True if it still said `old` (or didn't exist) and now says `new`."""
    now = clock.now()
    if old is None:
        return insert_once(
            SessionRsvp,
            session_id=session_id,
            user_id=user_id,
            status=new,
            waitlisted_at=waitlisted,
            created_at=now,
            updated_at=now,
        )
    changed = db.session.execute(
        update(SessionRsvp)
        .where(
            SessionRsvp.session_id == session_id, SessionRsvp.user_id == user_id, SessionRsvp.status == old
        )
        .values(status=new, waitlisted_at=waitlisted, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return changed.rowcount == 1


def _current(session_id: int, user_id: int) -> str | None:
    return db.session.scalar(
        select(SessionRsvp.status).where(SessionRsvp.session_id == session_id, SessionRsvp.user_id == user_id)
    )


def respond(user: User, session: LearningSession, response: str) -> MyRsvp:
    """Answer going / maybe / can't. Going past capacity joins the waiting list."""
    if response not in RESPONSES:
        raise ValidationError({"response": "Choose going, maybe or can't go."})
    if not can_see_session(user, session):
        raise PermissionDenied("You can't reply to this session.")
    if phase(session) in ("ended", "cancelled"):
        raise ValidationError({"response": "This session is over or cancelled, so replies are closed."})
    old = _current(session.id, user.id)
    wanted = response
    if old == wanted or (old == "waiting" and wanted == "going"):
        return my_rsvp(user, session)
    waitlisted = None
    if wanted == "going":
        if not _take_seat(session.id):
            wanted, waitlisted = "waiting", clock.now()
    elif old == "going":
        _free_seat(session.id)
    if not _swap(session.id, user.id, old, wanted, waitlisted):
        raise RsvpConflict()
    if old == "going":
        promote_waiting(session)
    db.session.expire(session, ["going_count"])
    events.record(
        "session_updated", actor=user, community_id=session.community_id, session_id=session.id, rsvp=True
    )
    return my_rsvp(user, session)


def promote_waiting(session: LearningSession) -> list[int]:
    """Fill free seats from the waiting list, first come first served; each promoted person is told."""
    promoted: list[int] = []
    tried: set[int] = set()
    while True:
        candidates = list(
            db.session.scalars(
                select(SessionRsvp.user_id)
                .where(SessionRsvp.session_id == session.id, SessionRsvp.status == "waiting")
                .order_by(SessionRsvp.waitlisted_at, SessionRsvp.user_id)
                .limit(len(tried) + 1)
            )
        )
        candidate = next((c for c in candidates if c not in tried), None)
        if candidate is None or not _take_seat(session.id):
            break
        tried.add(candidate)
        if not _swap(session.id, candidate, "waiting", "going", None):
            _free_seat(session.id)  # they changed their answer meanwhile: offer the seat to the next
            continue
        promoted.append(candidate)
        notify(
            candidate,
            "session_promoted",
            community=session.community,
            session_id=session.id,
            title=session.title,
        )
    db.session.expire(session, ["going_count"])
    return promoted


def with_retries(action: Callable[[], T]) -> T:
    """Run a write and commit, retrying when a concurrent RSVP won a race (or PostgreSQL broke a
    deadlock); anything else propagates."""
    for attempt in range(RETRIES):
        try:
            result = action()
            db.session.commit()
            return result
        except (RsvpConflict, IntegrityError, OperationalError) as exc:
            db.session.rollback()
            message = str(exc).lower()
            if isinstance(exc, OperationalError) and "deadlock" not in message and "locked" not in message:
                raise
            if attempt == RETRIES - 1:
                raise ValidationError(
                    {"response": "Lots of people are replying at once. Please try again."}
                ) from exc
    raise AssertionError("unreachable")


def my_rsvp(user: User, session: LearningSession) -> MyRsvp:
    """The person's answer, with their waiting-list place."""
    row = db.session.get(SessionRsvp, (session.id, user.id), populate_existing=True)
    if row is None:
        return MyRsvp(None)
    if row.status != "waiting":
        return MyRsvp(row.status)
    ahead = db.session.scalar(
        select(func.count()).where(
            SessionRsvp.session_id == session.id,
            SessionRsvp.status == "waiting",
            (SessionRsvp.waitlisted_at < row.waitlisted_at)
            | ((SessionRsvp.waitlisted_at == row.waitlisted_at) & (SessionRsvp.user_id < row.user_id)),
        )
    )
    return MyRsvp("waiting", (ahead or 0) + 1)


def counts(session_ids: list[int]) -> dict[int, dict[str, int]]:
    """{session id: {status: how many}} for a page of sessions (one query)."""
    result: dict[int, dict[str, int]] = {sid: {} for sid in session_ids}
    if session_ids:
        for sid, status, n in db.session.execute(
            select(SessionRsvp.session_id, SessionRsvp.status, func.count())
            .where(SessionRsvp.session_id.in_(session_ids))
            .group_by(SessionRsvp.session_id, SessionRsvp.status)
        ):
            result[sid][status] = n
    return result


def my_statuses(user: User, session_ids: list[int]) -> dict[int, str]:
    """The person's answers for a page of sessions (one query)."""
    if not session_ids:
        return {}
    return dict(
        db.session.execute(
            select(SessionRsvp.session_id, SessionRsvp.status).where(
                SessionRsvp.user_id == user.id, SessionRsvp.session_id.in_(session_ids)
            )
        ).all()
    )


def attendees(viewer: User, session: LearningSession) -> list[SessionRsvp]:
    """Everyone who replied, going first then the waiting list in order (hosts only)."""
    if not can_manage_session(viewer, session):
        raise PermissionDenied("Only the session's hosts can see who's coming.")
    order = {"going": 0, "waiting": 1, "maybe": 2, "cant": 3}
    rows = list(db.session.scalars(select(SessionRsvp).where(SessionRsvp.session_id == session.id)))
    return sorted(
        rows,
        key=lambda r: (
            order[r.status],
            r.waitlisted_at is None,
            r.waitlisted_at or r.created_at,
            r.user.name.lower(),
        ),
    )


def mark_attendance(actor: User, session: LearningSession, attended_ids: set[int]) -> int:
    """Hosts tick who came (from the people who replied); returns how many attended."""
    if not can_manage_session(actor, session):
        raise PermissionDenied("Only the session's hosts can mark attendance.")
    if session.is_cancelled or session.starts_at > clock.now():
        raise ValidationError({"form": "Attendance can be marked once the session has started."})
    rows = list(db.session.scalars(select(SessionRsvp).where(SessionRsvp.session_id == session.id)))
    for row in rows:
        row.attended = row.user_id in attended_ids
    db.session.flush()
    events.record("session_updated", actor=actor, community_id=session.community_id, session_id=session.id)
    return sum(1 for r in rows if r.attended)
