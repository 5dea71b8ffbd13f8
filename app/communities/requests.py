"""Joining by request or invitation, and managing members: decide, invite, change roles, remove."""

from sqlalchemy import Select, select, update
from sqlalchemy.orm import joinedload

from app import audit
from app.communities.services import (
    add_member,
    insert_once,
    membership,
    owners_count,
    pending_for,
    remove_member,
    require_open,
)
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import clean_text, parse_id
from app.models import COMMUNITY_ROLES, Community, JoinRequest, Membership, User, utcnow
from app.notifications.services import notify, notify_many
from app.permissions import can_manage_community, can_see_community, community_role, is_admin

MAX_MESSAGE = 500


def _data(community: Community) -> dict[str, str]:
    return {"community_name": community.name, "community_slug": community.slug}


def _check_message(text: str | None, field: str) -> str:
    text = clean_text(text, multiline=True)
    if len(text) > MAX_MESSAGE:
        raise ValidationError({field: f"Use at most {MAX_MESSAGE} characters (you have {len(text)})."})
    return text


def _require_manager(actor: User, community: Community) -> None:
    if not can_manage_community(actor, community):
        raise PermissionDenied("Only this community's owners and admins can do that.")


def _active(stmt: Select) -> Select:
    return stmt.join(User, User.id == JoinRequest.user_id).where(User.deactivated_at.is_(None))


def manager_ids(community: Community) -> list[int]:
    """Active owners and admins: the people who answer requests to join."""
    return list(
        db.session.scalars(
            select(Membership.user_id)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.community_id == community.id,
                Membership.role.in_(("owner", "admin")),
                User.deactivated_at.is_(None),
            )
        )
    )


def request_to_join(user: User, community: Community, message: str = "") -> JoinRequest:
    """Ask to join a private community, with an optional note; its owners and admins are told."""
    require_open(community)
    message = _check_message(message, "message")
    if membership(user, community) is not None:
        raise ValidationError({"community": "You're already a member of this community."})
    if community.visibility == "public":
        raise ValidationError({"community": "This community is public: join it straight away."})
    pending = pending_for(user, community)
    if pending is not None and pending.kind == "invite":
        raise ValidationError({"community": "You've already been invited: accept the invitation instead."})
    if pending is not None or not insert_once(
        JoinRequest,
        community_id=community.id,
        user_id=user.id,
        kind="request",
        message=message,
        created_by_id=user.id,
    ):
        raise ValidationError(
            {"community": "You've already asked to join. Its owners and admins will answer."}
        )
    notify_many(manager_ids(community), "join_requested", actor=user, community=community, **_data(community))
    return pending_for(user, community)


def cancel_request(user: User, community: Community) -> bool:
    """Withdraw one's own open request; False if there was none (a repeated click)."""
    row = pending_for(user, community)
    if row is None or row.kind != "request":
        return False
    db.session.delete(row)
    db.session.flush()
    return True


def pending_requests(community: Community) -> Select[tuple[JoinRequest]]:
    """Open requests to join from active people, oldest first."""
    return (
        _active(select(JoinRequest))
        .where(
            JoinRequest.community_id == community.id,
            JoinRequest.kind == "request",
            JoinRequest.status == "pending",
        )
        .order_by(JoinRequest.created_at, JoinRequest.id)
    )


def open_invitations(community: Community) -> Select[tuple[JoinRequest]]:
    """Invitations to active people still waiting for an answer, oldest first."""
    return (
        _active(select(JoinRequest))
        .options(joinedload(JoinRequest.created_by))
        .where(
            JoinRequest.community_id == community.id,
            JoinRequest.kind == "invite",
            JoinRequest.status == "pending",
        )
        .order_by(JoinRequest.created_at, JoinRequest.id)
    )


def my_invitations(user: User) -> Select[tuple[JoinRequest]]:
    """The person's open invitations to communities that are not archived."""
    return (
        select(JoinRequest)
        .join(Community, Community.id == JoinRequest.community_id)
        .options(joinedload(JoinRequest.created_by))
        .where(
            JoinRequest.user_id == user.id,
            JoinRequest.kind == "invite",
            JoinRequest.status == "pending",
            Community.archived_at.is_(None),
        )
        .order_by(JoinRequest.created_at.desc(), JoinRequest.id.desc())
    )


def _close(row: JoinRequest, status: str, decided_by: User) -> None:
    """Close a pending row once, even if two managers click at the same moment."""
    done = db.session.execute(
        update(JoinRequest)
        .where(JoinRequest.id == row.id, JoinRequest.status == "pending")
        .values(status=status, decided_by_id=decided_by.id, decided_at=utcnow())
    ).rowcount
    if not done:
        raise ValidationError({"community": "This has already been answered."})


def decide_request(
    actor: User, community: Community, request_id: int | str, approve: bool, reason: str = ""
) -> JoinRequest:
    """Approve (the person becomes a member) or decline (with an optional reason) a request."""
    _require_manager(actor, community)
    reason = _check_message(reason, "reason")
    rid = parse_id(request_id)
    row = db.session.get(JoinRequest, rid) if rid else None
    if row is None or row.community_id != community.id or row.kind != "request":
        raise NotFound("We couldn't find that request.")
    if approve:
        require_open(community)
    _close(row, "approved" if approve else "declined", actor)
    if approve:
        add_member(actor, row.user, community)
        notify(row.user, "join_approved", actor=actor, community=community, **_data(community))
    else:
        notify(row.user, "join_declined", actor=actor, community=community, reason=reason, **_data(community))
    return row


def invite_candidates(community: Community) -> Select[tuple[User]]:
    """Active people who are not members and have nothing pending here, by name."""
    taken = (
        select(Membership.user_id)
        .where(Membership.community_id == community.id)
        .union(
            select(JoinRequest.user_id).where(
                JoinRequest.community_id == community.id, JoinRequest.status == "pending"
            )
        )
    )
    return (
        select(User)
        .where(User.deactivated_at.is_(None), User.email_confirmed_at.is_not(None), User.id.not_in(taken))
        .order_by(User.name, User.id)
    )


def invite(actor: User, community: Community, user_id: int | str) -> JoinRequest:
    """Invite an active person; they are notified and accept or decline."""
    _require_manager(actor, community)
    require_open(community)
    uid = parse_id(user_id)
    person = db.session.get(User, uid) if uid else None
    if person is None or not person.is_active:
        raise ValidationError({"user_id": "Choose a person from the list."})
    if membership(person, community) is not None:
        raise ValidationError({"user_id": f"{person.name} is already a member."})
    pending = pending_for(person, community)
    if pending is not None and pending.kind == "request":
        raise ValidationError({"user_id": f"{person.name} has already asked to join: approve their request."})
    if pending is not None or not insert_once(
        JoinRequest, community_id=community.id, user_id=person.id, kind="invite", created_by_id=actor.id
    ):
        raise ValidationError({"user_id": f"{person.name} has already been invited."})
    notify(person, "community_invited", actor=actor, community=community, **_data(community))
    return pending_for(person, community)


def answer_invitation(user: User, community: Community, accept: bool) -> JoinRequest:
    """Accept (become a member; the inviter is told) or decline one's invitation."""
    row = pending_for(user, community)
    if row is None or row.kind != "invite":
        raise ValidationError({"community": "There's no open invitation to answer."})
    if accept:
        require_open(community)
    _close(row, "approved" if accept else "declined", user)
    if accept:
        add_member(row.created_by, user, community)
        inviter = db.session.get(User, row.created_by_id) if row.created_by_id else None
        if inviter is not None and can_see_community(inviter, community):
            notify(inviter, "invite_accepted", actor=user, community=community, **_data(community))
    return row


def _find_member(community: Community, user_id: int | str) -> Membership:
    uid = parse_id(user_id)
    row = db.session.get(Membership, (community.id, uid)) if uid else None
    if row is None or row.user.is_deactivated:
        raise NotFound("That person isn't a member of this community.")
    return row


def _may_touch_owners(actor: User, community: Community) -> bool:
    return is_admin(actor) or community_role(actor, community) == "owner"


def set_role(actor: User, community: Community, user_id: int | str, role: str) -> Membership:
    """Change a member's role; only owners and site admins make or unmake owners."""
    _require_manager(actor, community)
    if role not in COMMUNITY_ROLES:
        raise ValidationError({"role": "Choose owner, admin or member."})
    row = _find_member(community, user_id)
    if role == row.role:
        return row
    if "owner" in (role, row.role) and not _may_touch_owners(actor, community):
        raise PermissionDenied("Only owners can make someone an owner or change an owner's role.")
    if row.role == "owner" and owners_count(community) <= 1:
        raise ValidationError({"role": "This is the only owner: make someone else an owner first."})
    audit.record(
        actor,
        "community.role_changed",
        "community",
        community.id,
        user_id=row.user_id,
        before=row.role,
        after=role,
    )
    row.role = role
    db.session.flush()
    notify(
        row.user_id, "community_role_changed", actor=actor, community=community, role=role, **_data(community)
    )
    return row


def remove(actor: User, community: Community, user_id: int | str) -> Membership:
    """Take someone out of a community (never out of All staff; never the last owner)."""
    _require_manager(actor, community)
    if community.is_all_staff:
        raise ValidationError({"community": "Everyone belongs to All staff."})
    row = _find_member(community, user_id)
    if row.role == "owner" and not _may_touch_owners(actor, community):
        raise PermissionDenied("Only owners can remove an owner.")
    if row.role == "owner" and owners_count(community) <= 1:
        raise ValidationError({"community": "This is the only owner: make someone else an owner first."})
    audit.record(
        actor, "community.member_removed", "community", community.id, user_id=row.user_id, role=row.role
    )
    remove_member(actor, row)
    return row
