"""The "session host" grant: comms officers, leaders and admins let others schedule sessions."""

from sqlalchemy import select

from app import audit
from app.auth.services import user_by_email
from app.communities.services import insert_once
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.forms import clean_text
from app.learning import clock
from app.models import SessionHostGrant, User
from app.permissions import can_grant_session_hosts


def grants() -> list[SessionHostGrant]:
    """Everyone holding the grant, by name."""
    return list(
        db.session.scalars(
            select(SessionHostGrant).join(User, User.id == SessionHostGrant.user_id).order_by(User.name)
        )
    )


def find_person(who: str) -> User | None:
    """An active person by work email or @handle."""
    who = clean_text(who).lstrip("@").lower()[:254]
    if not who:
        return None
    user = user_by_email(who) if "@" in who else db.session.scalar(select(User).where(User.handle == who))
    return user if user is not None and not user.is_deactivated else None


def grant(actor: User, who: str) -> SessionHostGrant:
    """Give someone the grant (idempotent); audited."""
    if not can_grant_session_hosts(actor):
        raise PermissionDenied("Only comms officers, leaders and admins can name session hosts.")
    person = find_person(who)
    if person is None:
        raise ValidationError({"who": "We couldn't find an active person with that email or @handle."})
    if insert_once(SessionHostGrant, user_id=person.id, granted_by_id=actor.id, created_at=clock.now()):
        audit.record(actor, "sessions.host_granted", "user", person.id)
    return db.session.get(SessionHostGrant, person.id)


def revoke(actor: User, user_id: int) -> None:
    """Take the grant away (sessions they already scheduled stay theirs); audited."""
    if not can_grant_session_hosts(actor):
        raise PermissionDenied("Only comms officers, leaders and admins can name session hosts.")
    row = db.session.get(SessionHostGrant, user_id)
    if row is not None:
        db.session.delete(row)
        db.session.flush()
        audit.record(actor, "sessions.host_revoked", "user", user_id)
