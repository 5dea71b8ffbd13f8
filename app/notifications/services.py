"""Writing and reading notification rows."""

from sqlalchemy import Select, func, select, update

from app.extensions import db
from app.models import Community, Notification, User, utcnow


def notify(user: User | int, kind: str, *, actor: User | None = None,
           community: Community | None = None, **data) -> Notification:
    """Add a notification row in the current transaction (it is delivered after commit)."""
    row = Notification(
        user_id=user if isinstance(user, int) else user.id,
        kind=kind,
        actor_id=actor.id if actor else None,
        community_id=community.id if community else None,
        data=data,
    )
    db.session.add(row)
    return row


def notifications_for(user: User) -> Select[tuple[Notification]]:
    """The person's notifications, newest first."""
    return select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())


def unread_count(user: User) -> int:
    """How many unread notifications the person has."""
    return db.session.scalar(
        select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one (or all) of the person's notifications read; returns how many changed."""
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    return db.session.execute(stmt.values(read_at=utcnow())).rowcount
