"""Scheduling sessions: create (announced as a Post kind="session"), edit, cancel, find, list."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select, update

from app import events
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import strip_control
from app.learning import clock
from app.models import (
    Community,
    LearningSession,
    Objective,
    Revision,
    SessionHost,
    SessionRsvp,
    User,
)
from app.notifications.services import notify_many, register_kinds
from app.permissions import (
    can_manage_session,
    can_schedule_sessions,
    can_see_content,
    can_see_session,
)
from app.posts import screening
from app.posts.rendering import MAX_BODY, render_body
from app.posts.services import create_post, get_community_by_id

MAX_TITLE, MAX_PLACE, MAX_URL, MAX_HOSTS = 120, 200, 500, 10
MAX_CAPACITY = 10_000
MAX_LENGTH = timedelta(hours=12)


register_kinds(
    session_hosting="I'm named as a host of a session",
    session_promoted="A place frees up for me at a session",
    session_changed="A session I replied to changes time or place",
    session_cancelled="A session I replied to is cancelled",
    session_reminder="Reminders the day before and an hour before a session I'm going to",
)


@dataclass
class SessionInput:
    """What a scheduler typed, already parsed; `errors` holds what couldn't be parsed."""

    title: str = ""
    description: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: str = ""
    video_url: str = ""
    capacity: int | None = None
    community_id: int | None = None
    host_ids: list[int] | None = None
    objective_id: int | None = None
    errors: dict[str, str] = field(default_factory=dict)
    # The host saw the sensitive-content warning and publishes anyway (recorded).
    confirm_sensitive: bool = False


def check_http_url(url: str, field_name: str) -> dict[str, str]:
    """A field error unless the URL is an absolute http(s) address (no javascript:, data:, ...)."""
    if not url:
        return {}
    if len(url) > MAX_URL:
        return {field_name: f"Use at most {MAX_URL} characters."}
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        return {field_name: "Use a full web address starting with https:// (or http://)."}
    return {}


def hosts_from_text(text: str) -> tuple[list[int], dict[str, str]]:
    """Active people named by @handle or email in a hosts field (commas or spaces between)."""
    names = [n for n in re.split(r"[\s,;]+", strip_control(text)) if n]
    if len(names) > MAX_HOSTS:
        return [], {"hosts": f"Name at most {MAX_HOSTS} hosts."}
    ids, unknown = [], []
    for name in names:
        key = name.lstrip("@").lower()
        column = User.email if "@" in key else User.handle
        found = db.session.scalar(select(User.id).where(column == key[:254], User.deactivated_at.is_(None)))
        if found is None:
            unknown.append(name)
        elif found not in ids:
            ids.append(found)
    if unknown:
        return ids, {"hosts": f"We couldn't find {', '.join(unknown[:3])}. Type @ and pick from the list."}
    return ids, {}


def _check(data: SessionInput, session: LearningSession | None) -> dict[str, str]:
    errors = dict(data.errors)
    if not data.title:
        errors.setdefault("title", "Give the session a title.")
    elif len(data.title) > MAX_TITLE:
        errors.setdefault("title", f"Use at most {MAX_TITLE} characters (you have {len(data.title)}).")
    if not data.description.strip():
        errors.setdefault("description", "Say what the session covers and who it's for.")
    elif len(data.description) > MAX_BODY:
        errors.setdefault("description", f"Keep it under {MAX_BODY:,} characters.")
    if data.starts_at and data.ends_at and "starts_at" not in errors and "ends_at" not in errors:
        if data.ends_at <= data.starts_at:
            errors["ends_at"] = "The session must end after it starts."
        elif data.ends_at - data.starts_at > MAX_LENGTH:
            errors["ends_at"] = "A session can last at most 12 hours."
        elif (session is None or data.starts_at != session.starts_at) and data.starts_at <= clock.now():
            errors["starts_at"] = "Choose a start time in the future."
    if len(data.place) > MAX_PLACE:
        errors.setdefault("place", f"Use at most {MAX_PLACE} characters.")
    errors.update({k: v for k, v in check_http_url(data.video_url, "video_url").items() if k not in errors})
    if not data.place and not data.video_url and "place" not in errors and "video_url" not in errors:
        errors["place"] = "Give a place, a video link, or both."
    if data.capacity is not None and "capacity" not in errors:
        if not 1 <= data.capacity <= MAX_CAPACITY:
            errors["capacity"] = f"Use a number from 1 to {MAX_CAPACITY:,}, or leave it blank for no limit."
        elif session is not None and data.capacity < session.going_count:
            errors["capacity"] = f"{session.going_count} people are already going: the limit can't be lower."
    if data.objective_id is not None and "objective_id" not in errors:
        objective = db.session.get(Objective, data.objective_id)
        if objective is None or objective.archived_at is not None:
            errors["objective_id"] = "Choose an objective from the list."
    return errors


def _hosts(data: SessionInput, community: Community | None, fallback: User, errors: dict) -> list[User]:
    if data.host_ids is None or not data.host_ids:
        return [fallback]
    if len(data.host_ids) > MAX_HOSTS:
        errors.setdefault("hosts", f"Name at most {MAX_HOSTS} hosts.")
        return []
    people = list(
        db.session.scalars(select(User).where(User.id.in_(data.host_ids), User.deactivated_at.is_(None)))
    )
    if len(people) != len(set(data.host_ids)):
        errors.setdefault("hosts", "Choose hosts from the people directory.")
    elif community is not None and not all(can_see_content(p, community) for p in people):
        errors.setdefault("hosts", "Every host must be able to see the audience community.")
    return people


def schedule_session(organiser: User, data: SessionInput) -> LearningSession:
    """Schedule a session and announce it: a Post kind="session" in the audience community."""
    if not can_schedule_sessions(organiser):
        raise PermissionDenied("Only comms officers, leaders and session hosts can schedule sessions.")
    errors = _check(data, None)
    community = None
    try:
        community = get_community_by_id(organiser, data.community_id)
        if community.is_archived:
            errors["community_id"] = "This community is archived."
    except ValidationError as exc:
        errors.update(exc.fields)
    hosts = _hosts(data, community, organiser, errors)
    if data.starts_at is None and "starts_at" not in errors:
        errors["starts_at"] = "Choose when it starts."
    if data.ends_at is None and "ends_at" not in errors:
        errors["ends_at"] = "Choose when it ends."
    if errors:
        raise ValidationError(errors)
    texts = {"title": data.title, "description": data.description}
    findings = screening.check_sensitive(organiser, texts, data.confirm_sensitive)
    # Confirmed above (as "description", the form's name for it): the post records its own body's.
    post = create_post(organiser, data.description, community, confirm_sensitive=True)
    post.kind = "session"
    post.objective_id = data.objective_id or community.default_objective_id
    session = LearningSession(
        post=post,
        community=community,
        organiser=organiser,
        title=data.title,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        place=data.place,
        video_url=data.video_url,
        capacity=data.capacity,
    )
    db.session.add(session)
    db.session.flush()
    db.session.add_all(SessionHost(session_id=session.id, user_id=h.id) for h in hosts)
    db.session.flush()
    db.session.expire(session, ["hosts"])
    screening.sensitive_confirmed(
        organiser, "session", session.id, [f for f in findings if f.field == "title"]
    )
    notify_many(
        [h.id for h in hosts],
        "session_hosting",
        actor=organiser,
        community=community,
        session_id=session.id,
        title=session.title,
    )
    events.record(
        "session_created", actor=organiser, community_id=community.id, session_id=session.id, post_id=post.id
    )
    return session


def _replied_ids(session: LearningSession) -> list[int]:
    return list(
        db.session.scalars(
            select(SessionRsvp.user_id).where(
                SessionRsvp.session_id == session.id, SessionRsvp.status.in_(("going", "maybe", "waiting"))
            )
        )
    )


def _set_description(actor: User, session: LearningSession, description: str) -> bool:
    post = session.post
    if description == post.body_source:
        return False
    db.session.add(Revision(post_id=post.id, body_source=post.body_source, edited_by_id=actor.id))
    rendered, _ = render_body(description)
    post.body_source, post.body_html, post.render_version = description, rendered.html, rendered.version
    post.edited_at = clock.now()
    events.record("post_updated", actor=actor, community_id=post.community_id, post_id=post.id)
    return True


def update_session(actor: User, session: LearningSession, data: SessionInput) -> LearningSession:
    """Hosts change the details; calendars see a new SEQUENCE and replied people hear of new times."""
    from app.learning.rsvps import promote_waiting

    if not can_manage_session(actor, session):
        raise PermissionDenied("Only the session's hosts can change it.")
    if session.is_cancelled or session.ends_at <= clock.now():
        raise ValidationError({"form": "This session is over or cancelled, so it can't be changed."})
    data.starts_at = data.starts_at or session.starts_at
    data.ends_at = data.ends_at or session.ends_at
    errors = _check(data, session)
    hosts = _hosts(data, session.community, actor, errors) if data.host_ids is not None else None
    if errors:
        raise ValidationError(errors)
    # Only what changed is checked again: an unchanged description was confirmed when it was written.
    texts = {"title": data.title, "description": data.description}
    before = {"title": session.title, "description": session.post.body_source}
    findings = screening.check_sensitive(
        actor, {k: v for k, v in texts.items() if v != before[k]}, data.confirm_sensitive
    )
    screening.sensitive_confirmed(actor, "session", session.id, findings)
    moved = (data.starts_at, data.ends_at, data.place, data.video_url) != (
        session.starts_at,
        session.ends_at,
        session.place,
        session.video_url,
    )
    changed = _set_description(actor, session, data.description) or moved or data.title != session.title
    session.title, session.place, session.video_url = data.title, data.place, data.video_url
    session.starts_at, session.ends_at = data.starts_at, data.ends_at
    raised = session.capacity is not None and (data.capacity is None or data.capacity > session.capacity)
    if data.capacity != session.capacity:
        _set_capacity(session, data.capacity)
    if data.objective_id is not None:
        session.post.objective_id = data.objective_id
    if hosts is not None and {h.id for h in hosts} != {h.id for h in session.hosts}:
        _replace_hosts(actor, session, hosts)
    if changed:
        session.sequence += 1
    session.updated_at = clock.now()
    db.session.flush()
    if raised:
        promote_waiting(session)
    if moved:
        notify_many(
            _replied_ids(session),
            "session_changed",
            actor=actor,
            community=session.community,
            session_id=session.id,
            title=session.title,
        )
    events.record("session_updated", actor=actor, community_id=session.community_id, session_id=session.id)
    return session


def _set_capacity(session: LearningSession, capacity: int | None) -> None:
    """Change the limit only if it still holds everyone going (a reply may have landed meanwhile)."""
    stmt = update(LearningSession).where(LearningSession.id == session.id)
    if capacity is not None:
        stmt = stmt.where(LearningSession.going_count <= capacity)
    changed = db.session.execute(stmt.values(capacity=capacity).execution_options(synchronize_session=False))
    db.session.expire(session, ["capacity", "going_count"])
    if changed.rowcount != 1:
        raise ValidationError({"capacity": "More people are going than that now: the limit can't be lower."})


def _replace_hosts(actor: User, session: LearningSession, hosts: list[User]) -> None:
    before = {h.id for h in session.hosts}
    db.session.execute(SessionHost.__table__.delete().where(SessionHost.session_id == session.id))
    db.session.add_all(SessionHost(session_id=session.id, user_id=h.id) for h in hosts)
    db.session.flush()
    db.session.expire(session, ["hosts"])
    notify_many(
        [h.id for h in hosts if h.id not in before],
        "session_hosting",
        actor=actor,
        community=session.community,
        session_id=session.id,
        title=session.title,
    )


def cancel_session(actor: User, session: LearningSession) -> None:
    """Hosts cancel: it stays listed (and in calendars) as cancelled; replied people are told."""
    if not can_manage_session(actor, session):
        raise PermissionDenied("Only the session's hosts can cancel it.")
    if session.is_cancelled:
        return
    if session.ends_at <= clock.now():
        raise ValidationError({"form": "This session is already over."})
    session.cancelled_at = session.updated_at = clock.now()
    session.sequence += 1
    db.session.flush()
    notify_many(
        _replied_ids(session),
        "session_cancelled",
        actor=actor,
        community=session.community,
        session_id=session.id,
        title=session.title,
    )
    events.record(
        "session_updated",
        actor=actor,
        community_id=session.community_id,
        session_id=session.id,
        cancelled=True,
    )


def get_session(user: User, session_id: int) -> LearningSession:
    """The session if the person may see it; NotFound otherwise (never says it exists)."""
    session = db.session.get(LearningSession, session_id)
    if session is None or not can_see_session(user, session):
        raise NotFound("We couldn't find that session.")
    return session


def phase(session: LearningSession, at: datetime | None = None) -> str:
    """upcoming, live, ended or cancelled."""
    at = at or clock.now()
    if session.is_cancelled:
        return "cancelled"
    if at >= session.ends_at:
        return "ended"
    return "live" if at >= session.starts_at else "upcoming"
