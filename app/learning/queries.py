"""Session lists: upcoming, past and mine, one page at a time by a (start time, id) cursor."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, or_, select

from app.extensions import db
from app.learning import clock
from app.models import LearningSession, SessionHost, SessionRsvp, User
from app.permissions import visible_sessions

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


LISTS = ("upcoming", "past", "mine")


def session_list(user: User, which: str) -> Select[tuple[LearningSession]]:
    """upcoming (soonest first, until they end), past (latest first) or mine (hosting or replied)."""
    stmt = visible_sessions(user)
    at = clock.now()
    if which == "past":
        return stmt.where(LearningSession.ends_at <= at).order_by(
            LearningSession.starts_at.desc(), LearningSession.id.desc()
        )
    if which == "mine":
        replied = select(SessionRsvp.session_id).where(
            SessionRsvp.user_id == user.id, SessionRsvp.status.in_(("going", "maybe", "waiting"))
        )
        hosting = select(SessionHost.session_id).where(SessionHost.user_id == user.id)
        stmt = stmt.where(
            or_(
                LearningSession.id.in_(replied),
                LearningSession.id.in_(hosting),
                LearningSession.organiser_id == user.id,
            )
        )
    return stmt.where(LearningSession.ends_at > at).order_by(
        LearningSession.starts_at.asc(), LearningSession.id.asc()
    )


def _parse_cursor(raw: str | None) -> tuple[datetime, int] | None:
    """A list cursor "<microseconds since 1970>.<id>"; anything else means the first page."""
    stamp, _, ident = (raw or "").partition(".")
    if not (stamp.isascii() and stamp.isdigit() and ident.isascii() and ident.isdigit()):
        return None
    if len(stamp) > 17 or len(ident) > 10:
        return None
    return EPOCH + timedelta(microseconds=int(stamp)), int(ident)


def paginate(
    stmt: Select, which: str, cursor: str | None, limit: int
) -> tuple[list[LearningSession], str | None]:
    """One page of a session list after the cursor, and the next page's cursor (None at the end)."""
    after = _parse_cursor(cursor)
    if after is not None:
        at, ident = after
        if which == "past":
            stmt = stmt.where(
                (LearningSession.starts_at < at)
                | ((LearningSession.starts_at == at) & (LearningSession.id < ident))
            )
        else:
            stmt = stmt.where(
                (LearningSession.starts_at > at)
                | ((LearningSession.starts_at == at) & (LearningSession.id > ident))
            )
    rows = list(db.session.scalars(stmt.limit(limit + 1)).unique())
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], f"{(last.starts_at - EPOCH) // timedelta(microseconds=1)}.{last.id}"
