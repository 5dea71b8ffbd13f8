"""Community services: creating, editing, joining and leaving, archiving, and member counts."""

import re
import unicodedata

from sqlalchemy import Select, case, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import events
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import clean_text
from app.models import VISIBILITIES, Community, JoinRequest, Membership, User, utcnow
from app.permissions import can_create_community, can_manage_community, can_see_community, is_admin

ALL_STAFF_SLUG = "all-staff"
# Paths under /communities/ that a slug must never shadow.
RESERVED_SLUGS = frozenset({"new"})
MAX_NAME, MAX_DESCRIPTION = 80, 2000


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


def insert_once(model: type, **values) -> bool:
    """Insert a row unless a unique key already holds it (a double click, two tabs); False if it did.

    ON CONFLICT DO NOTHING rather than a savepoint: the event log dispatches on every commit,
    a savepoint's included, and the insert must not end the surrounding transaction either way.
    """
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(model).values(**values).on_conflict_do_nothing()
    return db.session.execute(statement, execution_options={"preserve_rowcount": True}).rowcount == 1


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
        if slug not in RESERVED_SLUGS and db.session.scalar(stmt) is None:
            return slug
        slug, n = f"{base}-{n}", n + 1


def _check_fields(name: str, description: str, visibility: str, exclude_id: int | None = None) -> dict:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the community a name."
    elif len(name) > MAX_NAME:
        errors["name"] = f"Use at most {MAX_NAME} characters (you have {len(name)})."
    elif db.session.scalar(
        select(Community.id).where(
            func.lower(Community.name) == name.lower(), Community.id != (exclude_id or 0)
        )
    ):
        errors["name"] = "A community with this name already exists."
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = f"Use at most 2,000 characters (you have {len(description):,})."
    if visibility not in VISIBILITIES:
        errors["visibility"] = "Choose public, private or secret."
    return errors


def create_community(
    creator: User, name: str, description: str = "", visibility: str = "public"
) -> Community:
    """Create a community with its creator as owner."""
    name, description = clean_text(name), clean_text(description, multiline=True)
    errors = _check_fields(name, description, visibility)
    if not errors and not can_create_community(creator, visibility):
        errors["visibility"] = f"Only people an admin has chosen can create {visibility} communities."
    if errors:
        raise ValidationError(errors)
    community = Community(
        name=name, slug=_unique_slug(name), description=description, visibility=visibility, created_by=creator
    )
    db.session.add(community)
    db.session.flush()
    db.session.add(Membership(community_id=community.id, user_id=creator.id, role="owner"))
    db.session.flush()
    events.record("membership_created", actor=creator, community_id=community.id, user_id=creator.id)
    return community


def update_community(actor: User, community: Community, name: str, description: str, visibility: str) -> None:
    """Owners, community admins and site admins edit the name, description and kind."""
    if not can_manage_community(actor, community):
        raise PermissionDenied()
    name, description = clean_text(name), clean_text(description, multiline=True)
    errors = _check_fields(name, description, visibility, exclude_id=community.id)
    if community.is_all_staff and visibility != "public":
        errors["visibility"] = "All staff is always public."
    if not errors and visibility != community.visibility and not can_create_community(actor, visibility):
        errors["visibility"] = f"Only people an admin has chosen can make a community {visibility}."
    if errors:
        raise ValidationError(errors)
    if name != community.name and not community.is_all_staff:
        community.slug = _unique_slug(name, exclude_id=community.id)
    community.name, community.description, community.visibility = name, description, visibility
    db.session.flush()
    events.record("community_updated", actor=actor, community_id=community.id)


def pending_for(user: User, community: Community) -> JoinRequest | None:
    """The person's open request or invitation for this community, if any."""
    return db.session.scalar(
        select(JoinRequest).where(
            JoinRequest.community_id == community.id,
            JoinRequest.user_id == user.id,
            JoinRequest.status == "pending",
        )
    )


def get_visible_community(user: User, slug: str) -> Community:
    """The community with this slug, if the person may know it exists (else NotFound, never 403).

    Someone invited to a secret community may see it, so that they can answer the invitation.
    """
    community = db.session.scalar(select(Community).where(Community.slug == slug))
    if community is None:
        raise NotFound("We couldn't find that community.")
    if not can_see_community(user, community):
        signed_in = getattr(user, "is_authenticated", False) and user.is_active
        invite = pending_for(user, community) if signed_in else None
        if invite is None or invite.kind != "invite":
            raise NotFound("We couldn't find that community.")
    return community


def membership(user: User, community: Community) -> Membership | None:
    """The person's membership row, if any."""
    return db.session.get(Membership, (community.id, user.id))


def require_open(community: Community) -> None:
    """Archived communities are read-only: nobody joins, asks or is invited."""
    if community.is_archived:
        raise ValidationError({"community": "This community is archived, so it is read-only."})


def add_member(actor: User | None, user: User, community: Community, role: str = "member") -> Membership:
    """Make the person a member (once, whatever the race) and record the event."""
    existing = membership(user, community)
    if existing is not None:
        return existing
    if insert_once(Membership, community_id=community.id, user_id=user.id, role=role):
        events.record("membership_created", actor=actor, community_id=community.id, user_id=user.id)
    return membership(user, community)


def join(user: User, community: Community) -> Membership:
    """Join a public community straight away (site admins may join any community)."""
    require_open(community)
    existing = membership(user, community)
    if existing is not None:
        return existing
    if community.visibility != "public" and not is_admin(user):
        raise PermissionDenied("This community is private: ask to join instead.")
    return add_member(user, user, community)


def owners_count(community: Community) -> int:
    """How many active owners the community has (a leaver can't hand over ownership)."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.community_id == community.id,
                Membership.role == "owner",
                User.deactivated_at.is_(None),
            )
        )
        or 0
    )


def remove_member(actor: User | None, row: Membership) -> None:
    """Delete a membership row and record the event (the person's sockets leave the room)."""
    community_id, user_id = row.community_id, row.user_id
    db.session.delete(row)
    db.session.flush()
    events.record("membership_removed", actor=actor, community_id=community_id, user_id=user_id)


def leave(user: User, community: Community) -> None:
    """Leave a community (never All staff; the last owner hands over first)."""
    if community.is_all_staff:
        raise ValidationError({"community": "Everyone belongs to All staff."})
    row = membership(user, community)
    if row is None:
        return
    if row.role == "owner" and owners_count(community) <= 1:
        raise ValidationError({"community": "You are the only owner: make someone else an owner first."})
    remove_member(user, row)


def members(community: Community) -> Select[tuple[Membership]]:
    """Active members, owners and admins first, then by name."""
    role_order = case({"owner": 0, "admin": 1}, value=Membership.role, else_=2)
    return (
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.community_id == community.id, User.deactivated_at.is_(None))
        .order_by(role_order, User.name, User.id)
    )


def member_count(community: Community) -> int:
    """How many active people belong to the community."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .join(User, User.id == Membership.user_id)
            .where(Membership.community_id == community.id, User.deactivated_at.is_(None))
        )
        or 0
    )


def set_archived(actor: User, community: Community, archived: bool) -> None:
    """Archive (read-only, hidden from the directory by default) or restore a community."""
    if not can_manage_community(actor, community):
        raise PermissionDenied()
    if community.is_all_staff:
        raise ValidationError({"community": "All staff can't be archived."})
    if archived == community.is_archived:
        return
    community.archived_at = utcnow() if archived else None
    db.session.flush()
    events.record("community_updated", actor=actor, community_id=community.id, archived=archived)
