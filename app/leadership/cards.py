"""What an update card needs (its title, poster, my receipt), loaded for a whole page in three queries."""

from sqlalchemy import select

from app.extensions import db
from app.feeds.queries import register_extra
from app.models import Post, Update, UpdateReceipt, User
from app.permissions import can_manage_update
from app.permissions.updates import addressed_clause


def load_updates(viewer: User, posts: list[Post]) -> dict[int, dict]:
    """{post id: {row, receipt, addressed, can_manage}} for the update posts on a page."""
    post_ids = [p.id for p in posts if p.kind == "update"]
    if not post_ids:
        return {}
    rows = list(db.session.scalars(select(Update).where(Update.post_id.in_(post_ids))).unique())
    ids = [u.id for u in rows]
    receipts = {
        r.update_id: r
        for r in db.session.scalars(
            select(UpdateReceipt).where(UpdateReceipt.update_id.in_(ids), UpdateReceipt.user_id == viewer.id)
        )
    }
    addressed = set(db.session.scalars(select(Update.id).where(Update.id.in_(ids), addressed_clause(viewer))))
    return {
        u.post_id: {
            "row": u,
            "receipt": receipts.get(u.id),
            "addressed": u.id in addressed,
            "can_manage": can_manage_update(viewer, u),
        }
        for u in rows
    }


register_extra("update", load_updates)
