"""Curator grants: comms officers let colleagues share curated links, and take that back."""

from sqlalchemy import func, or_, select

from app import audit, events
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import clean_text
from app.models import CuratorGrant, User, utcnow
from app.notifications.services import notify, register_kinds
from app.permissions import has_role
from app.permissions.links import can_grant_curators, has_curator_grant

register_kinds(curator_grant="I'm made a curator of links, or no longer one")


def _require_granter(actor: User) -> None:
    if not can_grant_curators(actor):
        raise PermissionDenied("Only comms officers can choose curators.")


def active_grants() -> list[CuratorGrant]:
    """Live grants, newest first."""
    return list(
        db.session.scalars(
            select(CuratorGrant).where(CuratorGrant.revoked_at.is_(None)).order_by(CuratorGrant.id.desc())
        )
    )


def revoked_grants(limit: int = 10) -> list[CuratorGrant]:
    """The most recently revoked grants, for the history."""
    return list(
        db.session.scalars(
            select(CuratorGrant)
            .where(CuratorGrant.revoked_at.is_not(None))
            .order_by(CuratorGrant.revoked_at.desc(), CuratorGrant.id.desc())
            .limit(limit)
        )
    )


def find_person(text: str) -> User:
    """An active person by work email or @handle; a field error if there's no such person."""
    needle = clean_text(text).lstrip("@").lower()
    if not needle:
        raise ValidationError({"person": "Type a colleague's work email or @handle."})
    if len(needle) > 254:
        raise ValidationError({"person": "That's longer than any email or handle."})
    person = db.session.scalar(
        select(User).where(
            or_(func.lower(User.email) == needle, User.handle == needle), User.deactivated_at.is_(None)
        )
    )
    if person is None or not person.is_active:
        raise ValidationError({"person": "There's no active colleague with that email or handle."})
    return person


def grant_curator(actor: User, person: User) -> CuratorGrant:
    """Let someone curate links; they are told by a notification."""
    _require_granter(actor)
    if has_role(person, "comms"):
        raise ValidationError({"person": f"{person.name} is a comms officer, so they can curate already."})
    if has_curator_grant(person):
        raise ValidationError({"person": f"{person.name} is a curator already."})
    grant = CuratorGrant(user_id=person.id, granted_by_id=actor.id)
    db.session.add(grant)
    db.session.flush()
    audit.record(actor, "curation.curator_granted", "user", person.id)
    notify(person, "curator_grant", actor=actor, granted=True)
    events.record("curator_granted", actor=actor, user_id=person.id, grant_id=grant.id)
    return grant


def revoke_curator(actor: User, grant_id: int) -> CuratorGrant:
    """Take the curator role back; the links they shared stay."""
    _require_granter(actor)
    grant = db.session.get(CuratorGrant, grant_id)
    if grant is None or grant.revoked_at is not None:
        raise NotFound("That curator grant isn't active.")
    grant.revoked_at, grant.revoked_by_id = utcnow(), actor.id
    db.session.flush()
    audit.record(actor, "curation.curator_revoked", "user", grant.user_id)
    notify(grant.user_id, "curator_grant", actor=actor, granted=False)
    events.record("curator_revoked", actor=actor, user_id=grant.user_id, grant_id=grant.id)
    return grant
