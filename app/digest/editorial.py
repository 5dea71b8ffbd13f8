"""Comms' hand in the digest: pinning posts and curated links into the editorial slot, and previewing
the next digest as any colleague (audited, never showing the previewer what they may not see)."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app import audit
from app.digest import periods
from app.digest.content import OUTER_LINK, Digest, build_digest
from app.digest.preferences import preference_for
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.models import CuratedLink, DigestPin, Post, User
from app.permissions import has_role, post_visibility_clause, visible_community_ids
from app.permissions.links import visible_links
from app.posts.services import can_see_post

CANDIDATES = 10


def _require_comms(actor: User) -> None:
    if not has_role(actor, "comms"):
        raise PermissionDenied("Only the comms team edits and previews the digest.")


def active_pins(viewer: User, at: datetime | None = None) -> list[tuple[DigestPin, CuratedLink | None]]:
    """Pins still in the editorial slot, newest first, that the viewer may see (with their links)."""
    at = at or periods.now()
    return list(
        db.session.execute(
            select(DigestPin, CuratedLink)
            .join(Post, Post.id == DigestPin.post_id)
            .outerjoin(CuratedLink, CuratedLink.post_id == Post.id)
            .options(*OUTER_LINK)
            .where(
                DigestPin.expires_at > at,
                Post.status == "visible",
                Post.community_id.in_(visible_community_ids(viewer)),
                post_visibility_clause(viewer),
            )
            .order_by(DigestPin.created_at.desc(), DigestPin.id.desc())
        ).all()
    )


def candidates(viewer: User, at: datetime | None = None) -> tuple[list[CuratedLink], list[Post]]:
    """This week's curated links and busiest conversations the viewer may see and hasn't pinned yet."""
    at = at or periods.now()
    since = at - timedelta(days=7)
    pinned = select(DigestPin.post_id).where(DigestPin.expires_at > at)
    links = db.session.scalars(
        visible_links(viewer)
        .where(CuratedLink.created_at >= since, CuratedLink.post_id.not_in(pinned))
        .order_by(CuratedLink.id.desc())
        .limit(CANDIDATES)
    ).all()
    posts = db.session.scalars(
        select(Post)
        .where(
            Post.kind == "post",
            Post.status == "visible",
            Post.created_at >= since,
            Post.id.not_in(pinned),
            Post.community_id.in_(visible_community_ids(viewer)),
            post_visibility_clause(viewer),
        )
        .order_by(Post.reply_count.desc(), Post.id.desc())
        .limit(CANDIDATES)
    ).all()
    return list(links), list(posts)


def pin(actor: User, post_id: int | None, at: datetime | None = None) -> DigestPin:
    """Put a post (or the curated link it carries) in the editorial slot of the coming digests."""
    _require_comms(actor)
    at = at or periods.now()
    post = db.session.get(Post, post_id) if post_id else None
    if post is None or not can_see_post(actor, post) or post.status != "visible":
        raise ValidationError({"post_id": "There's no post with that number that you can see."})
    existing = db.session.scalar(select(DigestPin).where(DigestPin.post_id == post.id))
    if existing is not None and existing.expires_at > at:
        raise ValidationError({"post_id": "That's in the editorial slot already."})
    if existing is not None:
        db.session.delete(existing)  # an expired pin: pinning again starts it afresh
        db.session.flush()
    row = DigestPin(
        post_id=post.id,
        pinned_by_id=actor.id,
        created_at=at,
        expires_at=at + timedelta(days=current_app.config["DIGEST_PIN_DAYS"]),
    )
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "digest.item_pinned", "post", post.id, pin_id=row.id)
    return row


def unpin(actor: User, pin_id: int) -> None:
    """Take a pin out of the editorial slot."""
    _require_comms(actor)
    row = db.session.get(DigestPin, pin_id)
    if row is None or not can_see_post(actor, row.post):
        raise NotFound("That pin has gone already.")
    audit.record(actor, "digest.item_unpinned", "post", row.post_id)
    db.session.delete(row)
    db.session.flush()


def preview(actor: User, person: User, period: str) -> tuple[Digest, set[int]]:
    """The person's next digest, exactly as it would be built for them, and the ids of its posts the
    previewer may not see themselves (the page shows those as withheld). Audited."""
    _require_comms(actor)
    if period not in periods.PERIODS:
        raise ValidationError({"period": "Choose weekly or daily."})
    digest = build_digest(person, period, preference_for(person))
    ids = [post_id for _section, post_id in digest.items()]
    visible = (
        set(
            db.session.scalars(
                select(Post.id).where(
                    Post.id.in_(ids),
                    Post.community_id.in_(visible_community_ids(actor)),
                    post_visibility_clause(actor),
                )
            )
        )
        if ids
        else set()
    )
    audit.record(actor, "digest.previewed", "user", person.id, period=period, items=len(ids))
    return digest, set(ids) - visible
