"""Recording that people saw posts: a batch of ids from the browser, one row per person, post and day."""

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.errors import ValidationError
from app.extensions import db
from app.forms import MAX_ID
from app.models import Post, PostView, Update, UpdateReceipt, User, utcnow
from app.permissions import post_visibility_clause, visible_community_ids
from app.permissions.updates import addressed_clause

MAX_BATCH = 100


def _insert(model):
    return (postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert)(model)


def insert_ignoring_duplicates(model, rows: list[dict]) -> None:
    """One INSERT for many rows, skipping those a unique key already holds (a view seen twice)."""
    if rows:
        db.session.execute(_insert(model).values(rows).on_conflict_do_nothing())


def parse_post_ids(raw) -> list[int]:
    """The batch the browser sent: a list of up to 100 post ids."""
    if not isinstance(raw, list) or len(raw) > MAX_BATCH:
        raise ValidationError({"post_ids": f"Send a list of at most {MAX_BATCH} post ids."})
    ids = []
    for value in raw:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
            raise ValidationError({"post_ids": "Post ids are positive whole numbers."})
        ids.append(value)
    return sorted(set(ids))


def record_views(user: User, post_ids: list[int]) -> int:
    """Record that the person saw these posts today (only posts they may see, not their own).

    Two or three statements whatever the batch size, so sending views never slows a page. Seeing a
    leadership update also marks it seen on the update's receipt. Returns how many posts counted.
    """
    if not post_ids:
        return 0
    rows = db.session.execute(
        select(Post.id, Post.kind).where(
            Post.id.in_(post_ids),
            Post.status == "visible",
            Post.author_id != user.id,
            Post.community_id.in_(visible_community_ids(user)),
            post_visibility_clause(user),
        )
    ).all()
    if not rows:
        return 0
    now = utcnow()
    insert_ignoring_duplicates(
        PostView, [{"day": now.date(), "post_id": pid, "user_id": user.id} for pid, _ in rows]
    )
    update_posts = [pid for pid, kind in rows if kind == "update"]
    if update_posts:
        mark_updates_seen(user, update_posts, now)
    return len(rows)


def mark_updates_seen(user: User, post_ids: list[int], when) -> None:
    """Give the person a receipt for the updates addressed to them (if they had none) and mark it seen."""
    update_ids = list(
        db.session.scalars(select(Update.id).where(Update.post_id.in_(post_ids), addressed_clause(user)))
    )
    if not update_ids:
        return
    insert_ignoring_duplicates(UpdateReceipt, [{"update_id": uid, "user_id": user.id} for uid in update_ids])
    db.session.execute(
        update(UpdateReceipt)
        .where(
            UpdateReceipt.update_id.in_(update_ids),
            UpdateReceipt.user_id == user.id,
            UpdateReceipt.seen_at.is_(None),
        )
        .values(seen_at=when)
    )
