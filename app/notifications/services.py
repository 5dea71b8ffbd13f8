"""Writing and reading notification rows, honouring each person's preferences."""

from sqlalchemy import Select, func, select, update

from app import events
from app.extensions import db
from app.models import Community, Notification, NotificationSettings, User, utcnow

# Kinds a person may turn off on the preferences page, with the words shown there.
KIND_LABELS = {
    "mention": "Someone mentions me",
    "post_reply": "Someone replies to my post",
    "thread_reply": "Someone replies in a thread I follow",
    "reaction": "Someone reacts to my post",
    "join_requested": "Someone asks to join a community I run",
    "join_approved": "My request to join is answered",
    "join_declined": "My request to join is answered (declined)",
    "community_invited": "I'm invited to a community",
    "invite_accepted": "Someone accepts my community invitation",
    "community_role_changed": "My role in a community changes",
}


def register_kinds(**labels: str) -> None:
    """A feature adds its notification kinds (and their preference labels) when its services load."""
    KIND_LABELS.update(labels)


def notify_many(
    user_ids, kind: str, *, actor: User | None = None, community: Community | None = None, **data
) -> list[Notification]:
    """Notify several people at once (one query for preferences), skipping the actor and the muted."""
    wanted = {uid for uid in user_ids if uid is not None and (actor is None or uid != actor.id)}
    if not wanted:
        return []
    settings = db.session.scalars(
        select(NotificationSettings).where(NotificationSettings.user_id.in_(wanted))
    ).all()
    for row in settings:
        if kind in (row.muted_kinds or []) or (
            community is not None
            and community.id in (row.muted_community_ids or [])
            and kind not in ("join_requested", "join_approved", "join_declined", "community_invited")
        ):
            wanted.discard(row.user_id)
    rows = [
        Notification(
            user_id=uid,
            kind=kind,
            actor_id=actor.id if actor else None,
            community_id=community.id if community else None,
            data=data,
        )
        for uid in sorted(wanted)
    ]
    db.session.add_all(rows)
    db.session.flush()
    for row in rows:
        events.record(
            "notification_created", actor=actor, user_id=row.user_id, notification_id=row.id, kind=kind
        )
    return rows


def notify(
    user: User | int, kind: str, *, actor: User | None = None, community: Community | None = None, **data
) -> Notification | None:
    """Notify one person (None if they muted this kind or are the actor)."""
    rows = notify_many(
        [user if isinstance(user, int) else user.id], kind, actor=actor, community=community, **data
    )
    return rows[0] if rows else None


def notifications_for(user: User) -> Select[tuple[Notification]]:
    """The person's notifications, newest first."""
    return select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())


def unread_count(user: User) -> int:
    """How many unread notifications the person has."""
    return (
        db.session.scalar(
            select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one (or all) of the person's notifications read; returns how many changed."""
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    return db.session.execute(stmt.values(read_at=utcnow())).rowcount


def settings_for(user: User) -> NotificationSettings:
    """The person's preferences row (created on first use)."""
    row = db.session.get(NotificationSettings, user.id)
    if row is None:
        row = NotificationSettings(user_id=user.id, muted_kinds=[], muted_community_ids=[])
        db.session.add(row)
    return row


def update_settings(
    user: User, muted_kinds: list[str], muted_community_ids: list[int]
) -> NotificationSettings:
    """Save which kinds are off and which communities are muted (unknown values are ignored)."""
    row = settings_for(user)
    row.muted_kinds = sorted(k for k in set(muted_kinds) if k in KIND_LABELS)
    row.muted_community_ids = sorted(set(muted_community_ids))
    db.session.flush()
    return row
