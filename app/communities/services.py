"""Community services: creating, joining and leaving, and membership roles."""

import re
import unicodedata

from sqlalchemy import Select, case, func, select

from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.models import VISIBILITIES, Community, Membership, User, utcnow
from app.permissions import can_create_community, can_manage_community, can_see_community

ALL_STAFF_SLUG = "all-staff"


def all_staff() -> Community:
    """The All staff community (created by the first migration)."""
    community = db.session.scalar(select(Community).where(Community.is_all_staff.is_(True)))
    if community is None:
        raise RuntimeError("All staff community is missing: run `flask --app wsgi db upgrade`")
    return community


def add_to_all_staff(user: User) -> None:
    """Every active person belongs to All staff."""
    community = all_staff()
    if db.session.get(Membership, (community.id, user.id)) is None:
        db.session.add(Membership(community_id=community.id, user_id=user.id, role="member"))
        db.session.flush()


def slugify(name: str) -> str:
    """A URL-safe slug from a community name."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "community"


def _unique_slug(name: str, exclude_id: int | None = None) -> str:
    base = slugify(name)
    slug, n = base, 2
    while True:
        stmt = select(Community.id).where(Community.slug == slug)
        if exclude_id is not None:
            stmt = stmt.where(Community.id != exclude_id)
        if db.session.scalar(stmt) is None:
            return slug
        slug, n = f"{base}-{n}", n + 1


def _check_fields(name: str, description: str, visibility: str, exclude_id: int | None = None) -> dict:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the community a name."
    elif len(name) > 80:
        errors["name"] = "Use at most 80 characters."
    elif db.session.scalar(
        select(Community.id).where(func.lower(Community.name) == name.lower(),
                                   Community.id != (exclude_id or 0))
    ):
        errors["name"] = "A community with this name already exists."
    if len(description) > 2000:
        errors["description"] = "Use at most 2,000 characters."
    if visibility not in VISIBILITIES:
        errors["visibility"] = "Choose public, private or secret."
    return errors


def create_community(creator: User, name: str, description: str = "", visibility: str = "public") -> Community:
    """Create a community with its creator as owner."""
    name, description = (name or "").strip(), (description or "").strip()
    errors = _check_fields(name, description, visibility)
    if not errors and not can_create_community(creator, visibility):
        errors["visibility"] = f"Only people an admin has chosen can create {visibility} communities."
    if errors:
        raise ValidationError(errors)
    community = Community(name=name, slug=_unique_slug(name), description=description,
                          visibility=visibility, created_by=creator)
    db.session.add(community)
    db.session.flush()
    db.session.add(Membership(community_id=community.id, user_id=creator.id, role="owner"))
    db.session.flush()
    return community


def update_community(actor: User, community: Community, name: str, description: str, visibility: str) -> None:
    """Owners, community admins and site admins edit the name, description and kind."""
    if not can_manage_community(actor, community):
        raise PermissionDenied()
    name, description = (name or "").strip(), (description or "").strip()
    errors = _check_fields(name, description, visibility, exclude_id=community.id)
    if community.is_all_staff and visibility != "public":
        errors["visibility"] = "All staff is always public."
    if not errors and visibility != community.visibility and not can_create_community(actor, visibility):
        errors["visibility"] = f"Only people an admin has chosen can make a community {visibility}."
    if errors:
        raise ValidationError(errors)
    if name != community.name:
        community.slug = _unique_slug(name, exclude_id=community.id)
    community.name, community.description, community.visibility = name, description, visibility
    db.session.flush()


def get_visible_community(user: User, slug: str) -> Community:
    """The community with this slug, if the person may know it exists (else NotFound, never 403)."""
    community = db.session.scalar(select(Community).where(Community.slug == slug))
    if community is None or not can_see_community(user, community):
        raise NotFound("We couldn't find that community.")
    return community


def membership(user: User, community: Community) -> Membership | None:
    """The person's membership row, if any."""
    return db.session.get(Membership, (community.id, user.id))


def join(user: User, community: Community) -> Membership:
    """Join a public community straight away."""
    if community.is_archived:
        raise ValidationError({"community": "This community is archived."})
    existing = membership(user, community)
    if existing is not None:
        return existing
    if community.visibility != "public":
        raise PermissionDenied("This community is private: ask to join instead.")
    row = Membership(community_id=community.id, user_id=user.id, role="member")
    db.session.add(row)
    db.session.flush()
    return row


def owners_count(community: Community) -> int:
    """How many owners the community has."""
    return db.session.scalar(
        select(func.count()).where(Membership.community_id == community.id, Membership.role == "owner")
    ) or 0


def leave(user: User, community: Community) -> None:
    """Leave a community (never All staff; the last owner hands over first)."""
    if community.is_all_staff:
        raise ValidationError({"community": "Everyone belongs to All staff."})
    row = membership(user, community)
    if row is None:
        return
    if row.role == "owner" and owners_count(community) == 1:
        raise ValidationError({"community": "You are the only owner: make someone else an owner first."})
    db.session.delete(row)
    db.session.flush()


def members(community: Community) -> Select[tuple[Membership]]:
    """Active members, owners and admins first, then by name."""
    role_order = case({"owner": 0, "admin": 1}, value=Membership.role, else_=2)
    return (
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.community_id == community.id, User.deactivated_at.is_(None))
        .order_by(role_order, User.name)
    )


def member_count(community: Community) -> int:
    """How many active people belong to the community."""
    return db.session.scalar(
        select(func.count()).select_from(Membership).join(User, User.id == Membership.user_id)
        .where(Membership.community_id == community.id, User.deactivated_at.is_(None))
    ) or 0


def set_archived(actor: User, community: Community, archived: bool) -> None:
    """Archive (read-only, hidden from the directory by default) or restore a community."""
    if not can_manage_community(actor, community):
        raise PermissionDenied()
    if community.is_all_staff:
        raise ValidationError({"community": "All staff can't be archived."})
    community.archived_at = utcnow() if archived else None
    db.session.flush()
