"""What the weekly digest (another feature) includes from leadership: updates the person still owes a look."""

from datetime import datetime

from sqlalchemy import exists, or_, select

from app.extensions import db
from app.models import Post, Update, UpdateReceipt, User
from app.permissions.updates import addressed_clause


def updates_for_digest(user: User, since: datetime | None = None) -> list[Update]:
    """Updates addressed to the person that they haven't acknowledged (if asked) or seen, newest first.

    Uses the same audience rule as every page, so nobody outside an update's audience gets it by email.
    """
    done = exists().where(
        UpdateReceipt.update_id == Update.id,
        UpdateReceipt.user_id == user.id,
        or_(
            UpdateReceipt.acknowledged_at.is_not(None),
            Update.ack_required.is_(False) & UpdateReceipt.seen_at.is_not(None),
        ),
    )
    stmt = (
        select(Update)
        .join(Post, Post.id == Update.post_id)
        .where(Post.status == "visible", addressed_clause(user), ~done)
        .order_by(Update.id.desc())
    )
    if since is not None:
        stmt = stmt.where(or_(Update.created_at >= since, Update.ack_required.is_(True)))
    return list(db.session.scalars(stmt).unique())
