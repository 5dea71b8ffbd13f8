"""Admin services for invitations: send, list, revoke and resend (sending itself is auth.services.invite)."""

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app import audit
from app.admin.services import pending_invitations, require_admin
from app.auth.services import invite, normalise_email
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.forms import MAX_ID, parse_id
from app.models import Invitation, User, utcnow
from app.people.services import find_unit

INVITATION_STATUSES = ("pending", "expired", "accepted", "revoked")
INVITATIONS_PAGE = 50


def invitation_status(invitation: Invitation) -> str:
    """Pending, expired, accepted or revoked."""
    if invitation.accepted_at:
        return "accepted"
    if invitation.revoked_at:
        return "revoked"
    if invitation.created_at < utcnow() - current_app.config["INVITATION_MAX_AGE"]:
        return "expired"
    return "pending"


def get_invitation(invitation_id: int) -> Invitation:
    """The invitation with this id, or NotFound."""
    invitation = db.session.get(Invitation, invitation_id) if 0 < invitation_id <= MAX_ID else None
    if invitation is None:
        raise NotFound("We couldn't find that invitation.")
    return invitation


def invitations_list(status: str = "") -> Select[tuple[Invitation]]:
    """Invitations, newest first, optionally only those with one status."""
    cutoff = utcnow() - current_app.config["INVITATION_MAX_AGE"]
    stmt = select(Invitation).options(joinedload(Invitation.invited_by), joinedload(Invitation.unit))
    if status == "pending":
        stmt = stmt.where(Invitation.id.in_(pending_invitations().with_only_columns(Invitation.id)))
    elif status == "expired":
        stmt = stmt.where(
            Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None), Invitation.created_at < cutoff
        )
    elif status == "accepted":
        stmt = stmt.where(Invitation.accepted_at.is_not(None))
    elif status == "revoked":
        stmt = stmt.where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_not(None))
    elif status:
        raise ValidationError(
            {"status": "Choose pending, expired, accepted or revoked."},
            "That filter can't be used. Please check it.",
        )
    return stmt.order_by(Invitation.id.desc())


def invitations_page(
    stmt: Select[tuple[Invitation]], before: str | None = None, limit: int = INVITATIONS_PAGE
) -> tuple[list[Invitation], int | None]:
    """One page of newest-first invitations, and the id to continue before."""
    if before:
        before_id = parse_id(before)
        if before_id is None:
            raise ValidationError(
                {"before": "That page link is broken."},
                "That page link is broken. Start again from the first page.",
            )
        stmt = stmt.where(Invitation.id < before_id)
    rows = list(db.session.scalars(stmt.limit(limit + 1)))
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1].id
    return rows, None


def send_invitation(
    admin: User, email: str, name: str = "", role: str = "member", unit_id: int | str | None = None
) -> Invitation:
    """Invite someone by email with an optional name, role and unit (one open invitation per address)."""
    require_admin(admin)
    errors: dict[str, str] = {}
    unit = None
    try:
        unit = find_unit(unit_id)
    except ValidationError as exc:
        errors |= exc.fields
    email = normalise_email(email)
    if email and db.session.scalar(pending_invitations().where(Invitation.email == email).limit(1)):
        errors["email"] = "This address already has an invitation waiting. Resend it from the list below."
    if errors:
        raise ValidationError(errors)
    invitation = invite(admin, email, name, role, unit)
    audit.record(admin, "invitation.sent", "invitation", invitation.id, email=email, role=role)
    return invitation


def revoke_invitation(admin: User, invitation: Invitation) -> None:
    """Stop an invitation's link from working."""
    require_admin(admin)
    if invitation.accepted_at:
        raise ValidationError(
            {
                "invitation": f"{invitation.email} has already accepted. "
                "Deactivate their account instead if they have left."
            }
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.flush()
        audit.record(admin, "invitation.revoked", "invitation", invitation.id, email=invitation.email)


def resend_invitation(admin: User, invitation: Invitation) -> Invitation:
    """Send a fresh link (a new invitation with the same details); the old link stops working."""
    require_admin(admin)
    if invitation.accepted_at:
        raise ValidationError({"invitation": f"{invitation.email} has already accepted this invitation."})
    if invitation.revoked_at:
        raise ValidationError({"invitation": "This invitation was revoked. Invite them again with the form."})
    invitation.revoked_at = utcnow()
    try:
        fresh = invite(admin, invitation.email, invitation.name, invitation.role, invitation.unit)
    except ValidationError as exc:
        raise ValidationError({"invitation": " ".join(exc.fields.values())}) from exc
    audit.record(
        admin, "invitation.resent", "invitation", fresh.id, email=fresh.email, replaces=invitation.id
    )
    return fresh
