"""The event log as a client catches up on it: events after a seq that I may see."""

from flask_login import current_user

from app import events
from app.api import bp, serializers
from app.api.inputs import int_arg
from app.api.schemas import documented, ref
from app.extensions import db
from app.permissions import access

MAX_EVENTS = 500


@bp.route("/events")
@access("signed_in")
@documented(
    response=ref("EventList"),
    query={
        "after": {"type": "integer", "minimum": 0, "description": "the last seq seen; 0 for the start"},
        "limit": {"type": "integer", "minimum": 1, "maximum": MAX_EVENTS, "default": 100},
    },
)
def list_events():
    """Events after ?after=<seq> that I may see, oldest first; send last_seq back next time."""
    after = int_arg("after", 0, 2**63 - 1)
    limit = max(int_arg("limit", 100, MAX_EVENTS), 1)
    rows = list(db.session.scalars(events.visible_events(current_user, after, limit)))
    return {
        "items": [serializers.event(e) for e in rows],
        "last_seq": rows[-1].id if rows else after,
        "has_more": len(rows) == limit,
    }
