"""What the community pages show: the directory with counts and my status, and one community's page."""

from dataclasses import dataclass

from sqlalchemy import func, select

from app.communities.requests import invite_candidates, open_invitations, pending_requests
from app.communities.services import member_count, members, owners_count, pending_for
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.forms import clean_text
from app.models import VISIBILITIES, Community, JoinRequest, Membership, User
from app.permissions import (
    can_create_community,
    can_manage_community,
    can_see_content,
    community_role,
    is_admin,
    listed_communities,
)
from app.site_settings import role_list

MAX_ROWS = 200
MAX_QUERY = 100
PREVIEW = 12
ROLE_PLURALS = {
    "member": "members",
    "comms": "comms officers",
    "leader": "leaders",
    "moderator": "moderators",
    "admin": "admins",
}


@dataclass(frozen=True)
class DirectoryRow:
    """One community in the directory, with its active member count and the viewer's status."""

    community: Community
    members: int
    status: str | None  # owner, admin, member, requested, invited or None


def member_counts(community_ids: list[int]) -> dict[int, int]:
    """Active members per community, in one grouped query."""
    if not community_ids:
        return {}
    rows = db.session.execute(
        select(Membership.community_id, func.count())
        .join(User, User.id == Membership.user_id)
        .where(Membership.community_id.in_(community_ids), User.deactivated_at.is_(None))
        .group_by(Membership.community_id)
    )
    return {community_id: count for community_id, count in rows}


def my_statuses(user: User, community_ids: list[int]) -> dict[int, str]:
    """The person's role, or open request or invitation, per community (two queries in all)."""
    if not community_ids:
        return {}
    pending = db.session.execute(
        select(JoinRequest.community_id, JoinRequest.kind).where(
            JoinRequest.user_id == user.id,
            JoinRequest.status == "pending",
            JoinRequest.community_id.in_(community_ids),
        )
    )
    statuses = {cid: "invited" if kind == "invite" else "requested" for cid, kind in pending}
    roles = db.session.execute(
        select(Membership.community_id, Membership.role).where(
            Membership.user_id == user.id, Membership.community_id.in_(community_ids)
        )
    )
    statuses.update(dict(roles.all()))
    return statuses


def directory(
    user: User, q: str = "", kind: str = "", mine: bool = False, archived: bool = False
) -> tuple[list[DirectoryRow], bool]:
    """Communities the person may know of, filtered; and whether the list was cut at MAX_ROWS."""
    q = clean_text(q)
    errors: dict[str, str] = {}
    if len(q) > MAX_QUERY:
        errors["q"] = f"Use at most {MAX_QUERY} characters."
    if kind and kind not in VISIBILITIES:
        errors["kind"] = "Choose public, private or secret."
    if errors:
        raise ValidationError(errors)
    stmt = listed_communities(user)
    if q:
        stmt = stmt.where(func.lower(Community.name).contains(q.lower(), autoescape=True))
    if kind:
        stmt = stmt.where(Community.visibility == kind)
    if not archived:
        stmt = stmt.where(Community.archived_at.is_(None))
    if mine:
        stmt = stmt.where(
            Community.id.in_(select(Membership.community_id).where(Membership.user_id == user.id))
        )
    stmt = stmt.order_by(Community.is_all_staff.desc(), func.lower(Community.name), Community.id)
    communities = list(db.session.scalars(stmt.limit(MAX_ROWS + 1)))
    truncated = len(communities) > MAX_ROWS
    communities = communities[:MAX_ROWS]
    ids = [c.id for c in communities]
    counts, statuses = member_counts(ids), my_statuses(user, ids)
    return [DirectoryRow(c, counts.get(c.id, 0), statuses.get(c.id)) for c in communities], truncated


def community_page(user: User, community: Community) -> dict:
    """Everything the community page shows the person, according to what they may see."""
    role = community_role(user, community)
    content = can_see_content(user, community, role)
    manage = can_manage_community(user, community, role)
    leaders = members(community).where(Membership.role.in_(("owner", "admin")))
    waiting = 0
    if manage:
        waiting = db.session.scalar(select(func.count()).select_from(pending_requests(community).subquery()))
    return {
        "role": role,
        "pending": pending_for(user, community) if role is None else None,
        "can_see_content": content,
        "can_manage": manage,
        "member_count": member_count(community),
        "leaders": list(db.session.scalars(leaders)),
        "preview": list(db.session.scalars(members(community).limit(PREVIEW))) if content else [],
        "requests_waiting": waiting,
    }


def kind_choices(user: User, current: str | None = None) -> dict[str, bool]:
    """Each kind, and whether this person may choose it (keeping a community's kind always may)."""
    return {kind: kind == current or can_create_community(user, kind) for kind in VISIBILITIES}


def restricted_creators() -> str:
    """Who may create private and secret communities, in words: "comms officers, leaders and admins"."""
    names = [ROLE_PLURALS.get(r, r) for r in role_list("restricted_community_creators") if r != "admin"]
    names.append("admins")
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def require_manager(user: User, community: Community) -> None:
    """Refuse people who don't run this community (it is visible to them, so 403 rather than 404)."""
    if not can_manage_community(user, community):
        raise PermissionDenied("Only this community's owners and admins can see this page.")


def requests_page(user: User, community: Community) -> dict:
    """Open requests to answer and invitations still waiting, for the community's managers."""
    require_manager(user, community)
    return {
        "requests": list(db.session.scalars(pending_requests(community))),
        "invitations": list(db.session.scalars(open_invitations(community))),
    }


def members_page(user: User, community: Community, q: str = "") -> dict:
    """The member list (members only, unless public), with the controls the person may use."""
    role = community_role(user, community)
    if not can_see_content(user, community, role):
        raise PermissionDenied("Only members can see who belongs to this community.")
    manage = can_manage_community(user, community, role)
    q = clean_text(q)[:MAX_QUERY]
    stmt = members(community)
    if q:
        stmt = stmt.where(func.lower(User.name).contains(q.lower(), autoescape=True))
    rows = list(db.session.scalars(stmt.limit(MAX_ROWS + 1)))
    candidates = []
    if manage and not community.is_all_staff and not community.is_archived:
        candidates = [
            (u.id, f"{u.name} · {u.job_title}" if u.job_title else u.name)
            for u in db.session.scalars(invite_candidates(community))
        ]
    return {
        "members": rows[:MAX_ROWS],
        "truncated": len(rows) > MAX_ROWS,
        "q": q,
        "role": role,
        "can_manage": manage,
        "may_touch_owners": is_admin(user) or role == "owner",
        "member_count": member_count(community),
        "candidates": candidates,
        "owner_total": owners_count(community),
    }
