"""My notifications: list newest first, mark one or all read."""

from flask_login import current_user

from app.api import bp, serializers
from app.api.inputs import json_object, keyset, optional_id
from app.api.schemas import PAGE_QUERY, documented, list_of, ref
from app.errors import NotFound
from app.extensions import db
from app.models import Notification
from app.notifications import services
from app.permissions import access


@bp.route("/notifications")
@access("signed_in")
@documented(response=list_of("Notification"), query=PAGE_QUERY)
def list_notifications():
    """My notifications, newest first."""
    rows, next_cursor = keyset(services.notifications_for(current_user), Notification.id)
    return {"items": [serializers.notification(n) for n in rows], "next_cursor": next_cursor}


@bp.route("/notifications/read", methods=["POST"])
@access("signed_in")
@documented(request=ref("MarkRead"), response=ref("Marked"), body_required=False)
def mark_read():
    """Mark one notification ({"id": 5}) or all of them ({}) read."""
    notification_id = optional_id(json_object(), "id")
    if notification_id is not None:
        mine = services.notifications_for(current_user).where(Notification.id == notification_id)
        if db.session.scalar(mine.limit(1)) is None:
            raise NotFound("We couldn't find that notification.")
    marked = services.mark_read(current_user, notification_id)
    db.session.commit()
    return {"marked": marked}
