"""Community visibility: the one place that decides who sees a community and its content."""

from sqlalchemy import Select, or_, select

from app.extensions import db
from app.models import Community, Membership, User
from app.permissions.roles import has_role, is_admin


def community_role(user: User | None, community: Community) -> str | None:
    """The person's role in the community, or None if they are not a member."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Membership.role).where(Membership.community_id == community.id, Membership.user_id == user.id)
    )


def can_see_community(user: User | None, community: Community, role: str | None = ...) -> bool:
    """Whether the person may know the community exists (secret ones: members and admins only)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if community.visibility != "secret" or is_admin(user):
        return True
    if role is ...:
        role = community_role(user, community)
    return role is not None


def can_see_content(user: User | None, community: Community, role: str | None = ...) -> bool:
    """Whether the person may read what is posted in the community."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if community.visibility == "public" or is_admin(user):
        return True
    if role is ...:
        role = community_role(user, community)
    return role is not None


def can_manage_community(user: User | None, community: Community, role: str | None = ...) -> bool:
    """Community owners and admins, and site admins, manage a community."""
    if is_admin(user):
        return True
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if role is ...:
        role = community_role(user, community)
    return role in ("owner", "admin")


def can_create_community(user: User | None, visibility: str) -> bool:
    """Anyone active creates public communities; admins choose who creates private and secret."""
    from app.site_settings import role_list

    if user is None or not user.is_active:
        return False
    if visibility == "public":
        return True
    return has_role(user, *role_list("restricted_community_creators"))


def _member_ids(user: User) -> Select:
    return select(Membership.community_id).where(Membership.user_id == user.id)


def listed_communities(user: User) -> Select[tuple[Community]]:
    """Communities the person may know exist: public, private, and secret ones they belong to."""
    stmt = select(Community)
    if not is_admin(user):
        stmt = stmt.where(or_(Community.visibility != "secret", Community.id.in_(_member_ids(user))))
    return stmt


def visible_community_ids(user: User) -> Select:
    """Ids of communities whose content the person may read (for feeds, search and digests)."""
    if is_admin(user):
        return select(Community.id)
    return select(Community.id).where(
        or_(Community.visibility == "public", Community.id.in_(_member_ids(user)))
    )
