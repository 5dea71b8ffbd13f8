"""Add-to-calendar: an .ics per session and a personal feed of my sessions behind a secret URL.

Built with the icalendar library (RFC 5545). Times are written in UTC (…Z), which Outlook and Google
show in the reader's own zone; UID is stable per session and SEQUENCE grows with every change, so
calendars update the event in place rather than adding a copy.
"""

import hashlib
import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, url_for
from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy import or_, select, update

from app.communities.services import insert_once
from app.extensions import db
from app.learning import clock
from app.models import CalendarToken, LearningSession, SessionHost, SessionRsvp, User
from app.permissions import visible_sessions
from app.sanitize import plain_text

TOKEN_PREFIX = "cal_"
_TOKEN_RE = re.compile(r"cal_[A-Za-z0-9_-]{43}")
# How far back the personal feed reaches (calendars keep what they already have).
FEED_HISTORY = timedelta(days=60)


def hash_token(plaintext: str) -> str:
    """SHA-256 (hex): the only form in which a feed token is stored."""
    return hashlib.sha256(plaintext.encode("utf-8", "surrogatepass")).hexdigest()


def new_feed_token(user: User) -> str:
    """A new secret for the person's feed; the old link stops working at once. Shown once."""
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    values = {"token_hash": hash_token(plaintext), "created_at": clock.now()}
    if not insert_once(CalendarToken, user_id=user.id, **values):  # replace the old secret, race-free
        db.session.execute(
            update(CalendarToken)
            .where(CalendarToken.user_id == user.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    row = db.session.get(CalendarToken, user.id)
    if row is not None:
        db.session.refresh(row)
    return plaintext


def revoke_feed_token(user: User) -> None:
    """Switch the person's feed off."""
    row = db.session.get(CalendarToken, user.id)
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def feed_token(user: User) -> CalendarToken | None:
    """The person's feed token row (its creation date), if they have one."""
    return db.session.get(CalendarToken, user.id)


def feed_owner(plaintext: str) -> User | None:
    """The active person a feed token belongs to, or None (checked before any lookup)."""
    if not _TOKEN_RE.fullmatch(plaintext or ""):
        return None
    row = db.session.scalar(select(CalendarToken).where(CalendarToken.token_hash == hash_token(plaintext)))
    if row is None:
        return None
    user = db.session.get(User, row.user_id)
    return user if user is not None and user.is_active else None


def feed_urls(plaintext: str) -> dict[str, str]:
    """The feed as https:// (Google: "From URL") and webcal:// (Outlook, Apple: subscribe)."""
    https = current_app.config["BASE_URL"] + url_for("learning.calendar_feed", token=plaintext)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def my_feed_sessions(user: User) -> list[LearningSession]:
    """Sessions I host or replied to (not "can't"), that I may still see, from recent past on."""
    replied = select(SessionRsvp.session_id).where(
        SessionRsvp.user_id == user.id, SessionRsvp.status.in_(("going", "maybe", "waiting"))
    )
    hosting = select(SessionHost.session_id).where(SessionHost.user_id == user.id)
    stmt = (
        visible_sessions(user)  # membership is checked now: leaving a private community drops its sessions
        .where(
            LearningSession.ends_at > clock.now() - FEED_HISTORY,
            or_(
                LearningSession.id.in_(replied),
                LearningSession.id.in_(hosting),
                LearningSession.organiser_id == user.id,
            ),
        )
        .order_by(LearningSession.starts_at, LearningSession.id)
        .limit(500)
    )
    return list(db.session.scalars(stmt).unique())


def _event(session: LearningSession, stamp) -> Event:
    base = current_app.config["BASE_URL"]
    page = base + url_for("learning.show", session_id=session.id)
    event = Event()
    event.add("uid", f"session-{session.id}@{urlsplit(base).hostname or 'rollcall'}")
    event.add("dtstamp", stamp)
    event.add("created", session.created_at)
    event.add("last-modified", session.updated_at)
    event.add("sequence", session.sequence)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", session.title)
    where = [p for p in (session.place, session.video_url) if p]
    event.add("location", " · ".join(where))
    text = plain_text(session.post.body_source, 1500)
    links = f"Details and RSVP: {page}" + (f"\nJoin online: {session.video_url}" if session.video_url else "")
    event.add("description", f"{text}\n\n{links}")
    event.add("url", page)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organiser = vCalAddress(f"mailto:{session.organiser.email}")
    organiser.params["cn"] = vText(session.organiser.name)
    event.add("organizer", organiser)
    return event


def build_calendar(sessions: list[LearningSession], name: str) -> bytes:
    """A VCALENDAR (METHOD:PUBLISH) holding these sessions."""
    calendar = Calendar()
    calendar.add("prodid", "-//Rollcall//Lunch and learn sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", "PT1H")  # Outlook's refresh hint
    stamp = clock.now()
    for session in sessions:
        calendar.add_component(_event(session, stamp))
    return calendar.to_ical()
