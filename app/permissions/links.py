"""Curated links: who curates, who grants curators, and who sees a link, its image and its numbers.

A link is exactly as visible as the post it rides on: a link posted to a private or secret
community is seen only by that community's readers, on every page, in bookmarks, through the
click-through redirect, the image route, the stats and the API.
"""

from sqlalchemy import Select, select

from app.extensions import db
from app.models import CuratedLink, CuratorGrant, Post, User
from app.permissions.communities import visible_community_ids
from app.permissions.roles import has_role


def has_curator_grant(user: User | None) -> bool:
    """Whether a comms officer has granted this person the curator role (and not revoked it)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return (
        db.session.scalar(
            select(CuratorGrant.id).where(CuratorGrant.user_id == user.id, CuratorGrant.revoked_at.is_(None))
        )
        is not None
    )


def can_curate(user: User | None) -> bool:
    """Comms officers and admins curate by role; anyone else needs a curator grant."""
    return has_role(user, "comms") or has_curator_grant(user)


def can_grant_curators(user: User | None) -> bool:
    """Comms officers (and admins) grant and revoke the curator role."""
    return has_role(user, "comms")


def can_see_link(user: User | None, link: CuratedLink) -> bool:
    """Whoever may see the link's post (a removed post takes its link with it)."""
    from app.posts.services import can_see_post  # posts build on permissions, not the reverse

    if user is None or not getattr(user, "is_authenticated", False) or link.post.status == "deleted":
        return False
    return can_see_post(user, link.post)


def can_see_link_stats(user: User | None, link: CuratedLink) -> bool:
    """Comms officers see the numbers for every link they can see; a curator for their own."""
    if not can_see_link(user, link):
        return False
    return has_role(user, "comms") or link.curator_id == user.id


def visible_links(user: User) -> Select[tuple[CuratedLink]]:
    """Links on visible posts in communities the person may read (lists, bookmarks, stats, API)."""
    return (
        select(CuratedLink)
        .join(Post, Post.id == CuratedLink.post_id)
        .where(Post.status == "visible", Post.community_id.in_(visible_community_ids(user)))
    )
