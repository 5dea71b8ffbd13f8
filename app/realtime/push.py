"""Pushing committed events to the people allowed to see them: ids and the seq, never content.

Every socket sits in one room, `user:<id>`. Recipients are worked out per event from current
memberships, so leaving a community or losing a role stops delivery at once, with no room bookkeeping.
"""

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.extensions import socketio
from app.models import ApiToken, Community, Event, Membership, SocketConnection, Update, User
from app.permissions.updates import readers
from app.realtime.identity import token_key
from app.realtime.registry import cut_access

# Events after which a person's sockets must go: every session of theirs has just ended.
SESSION_ENDING = frozenset({"user_deactivated"})


def room(user_id: int) -> str:
    """The one room a person's sockets join."""
    return f"user:{user_id}"


def payload(event: Event) -> dict:
    """What a socket carries: the event's ids and its seq (the browser fetches HTML over HTTP)."""
    return {**(event.data or {}), "seq": event.id, "name": event.name, "community_id": event.community_id}


def sockets_to_cut(event: Event, session: Session) -> tuple[int, str | None] | None:
    """(person, key or None for all) whose sockets must go after this event, if any.

    Deactivation, sign-out everywhere and password changes end every session of the person;
    revoking an API token (`user_updated` with `token_revoked=<token id>`) ends that token's sockets.
    """
    data = event.data or {}
    if event.user_id is None:
        return None
    if event.name in SESSION_ENDING or (event.name == "user_updated" and data.get("sessions_revoked")):
        return event.user_id, None
    if event.name == "user_updated" and isinstance(data.get("token_revoked"), int):
        token = session.get(ApiToken, data["token_revoked"])
        if token is not None and token.user_id == event.user_id:
            return event.user_id, token_key(token.token_hash)
    return None


def readers_online(session: Session, community_id: int) -> list[str]:
    """Rooms of connected, active people who may read the community (one query).

    The rule is permissions.can_see_content: everyone for public communities, otherwise members and
    site admins; tests/test_realtime.py checks that the two agree.
    """
    is_public = (
        select(Community.id).where(Community.id == community_id, Community.visibility == "public").exists()
    )
    is_member = (
        select(Membership.user_id)
        .where(Membership.community_id == community_id, Membership.user_id == SocketConnection.user_id)
        .exists()
    )
    stmt = (
        select(SocketConnection.user_id)
        .distinct()
        .join(User, User.id == SocketConnection.user_id)
        .where(
            User.deactivated_at.is_(None),
            User.email_confirmed_at.is_not(None),
            or_(is_public, User.role == "admin", is_member),
        )
    )
    return [room(user_id) for user_id in session.scalars(stmt)]


def _about_post(event: Event) -> int | None:
    post_id = (event.data or {}).get("post_id")
    return post_id if isinstance(post_id, int) and not isinstance(post_id, bool) else None


def restricted_posts(session: Session, events: list[Event]) -> dict[int, Update]:
    """The leadership updates these community events are about (one query for the batch)."""
    ids = {_about_post(e) for e in events if e.user_id is None and e.community_id is not None} - {None}
    if not ids:
        return {}
    return {u.post_id: u for u in session.scalars(select(Update).where(Update.post_id.in_(ids))).unique()}


def update_readers_online(session: Session, update: Update) -> list[str]:
    """Rooms of connected people in an update's audience (permissions.updates.readers)."""
    stmt = (
        select(SocketConnection.user_id)
        .distinct()
        .where(SocketConnection.user_id.in_(readers(update, session)))
    )
    return [room(user_id) for user_id in session.scalars(stmt)]


def audience(
    event: Event, session: Session, cache: dict, restricted: dict[int, Update] | None = None
) -> list[str] | None:
    """The rooms an event goes to; None means everyone connected.

    Events about a leadership update (its post, replies, reactions) go only to its audience, even
    though the post sits in All staff.
    """
    if event.user_id is not None:
        return [room(event.user_id)]
    if event.community_id is None:
        return None
    update = (restricted or {}).get(_about_post(event))
    if update is not None:
        key = ("update", update.id)
        if key not in cache:
            cache[key] = update_readers_online(session, update)
        return cache[key]
    if event.community_id not in cache:
        cache[event.community_id] = readers_online(session, event.community_id)
    return cache[event.community_id]


def push_events(events: list[Event], session: Session) -> None:
    """Subscriber: cut sockets whose sessions ended, then emit each event once to its rooms."""
    cache: dict = {}
    restricted = restricted_posts(session, events)
    deliveries = [(event, audience(event, session, cache, restricted)) for event in events]
    cuts = [cut for cut in (sockets_to_cut(event, session) for event in events) if cut is not None]
    session.rollback()  # end the read transaction: on SQLite it would block cut_access's write
    for user_id, session_key in dict.fromkeys(cuts):
        cut_access(user_id, session_key)
    for event, rooms in deliveries:
        if rooms is None:
            socketio.emit(event.name, payload(event), namespace="/")
        elif rooms:
            # One emit per event; python-socketio sends once per socket across the listed rooms.
            socketio.emit(event.name, payload(event), to=rooms, namespace="/")
