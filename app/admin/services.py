"""Admin services: the overview, managing people (roles, deactivation) and site settings."""

from flask import current_app
from sqlalchemy import Select, func, or_, select, update

from app import audit, events
from app.auth.idle import IDLE_RANGE
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import MAX_ID, clean_text
from app.identity import oidc
from app.models import ROLES, ApiToken, Community, Invitation, Unit, User, utcnow
from app.people.services import MAX_QUERY, with_units
from app.permissions import is_admin
from app.site_settings import get_setting, role_list, set_setting

PEOPLE_STATUSES = ("active", "deactivated", "all")
# Roles an admin may allow to create private and secret communities (admins always can).
CREATOR_ROLES = ("comms", "leader", "moderator")


def require_admin(actor: User) -> None:
    """Refuse anyone who is not an active admin."""
    if not is_admin(actor):
        raise PermissionDenied("Only admins can do that.")


def get_account(user_id: int) -> User:
    """Any account by id for admins, unconfirmed and deactivated ones included; NotFound otherwise."""
    user = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None:
        raise NotFound("We couldn't find that person.")
    return user


def _active_people() -> Select:
    return (
        select(User.role, func.count())
        .where(User.deactivated_at.is_(None), User.email_confirmed_at.is_not(None))
        .group_by(User.role)
    )


def pending_invitations() -> Select:
    """Open invitations whose link still works: not accepted, not revoked, not expired."""
    cutoff = utcnow() - current_app.config["INVITATION_MAX_AGE"]
    return select(Invitation).where(
        Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None), Invitation.created_at >= cutoff
    )


def _count(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def overview() -> dict:
    """Counts for the admin overview: active people by role, units, communities, open invitations."""
    by_role = dict(db.session.execute(_active_people()).all())
    return {
        "active_people": sum(by_role.values()),
        "by_role": [(role, by_role.get(role, 0)) for role in ROLES],
        "deactivated": _count(select(User.id).where(User.deactivated_at.is_not(None))),
        "units": _count(select(Unit.id)),
        "communities": _count(select(Community.id).where(Community.archived_at.is_(None))),
        "pending_invitations": _count(pending_invitations()),
    }


def people_list(status: str = "active", q: str = "") -> Select[tuple[User]]:
    """Everyone an admin manages, by status (active, deactivated or all) and name or email."""
    q = clean_text(q)
    errors: dict[str, str] = {}
    if status not in PEOPLE_STATUSES:
        errors["status"] = "Choose active, deactivated or all."
    if len(q) > MAX_QUERY:
        errors["q"] = f"Use at most {MAX_QUERY} characters."
    if errors:
        raise ValidationError(errors, "Those filters can't be used. Please check them.")
    # Not the placeholder accounts anonymised content is credited to (app/governance/purge.py).
    stmt = with_units(select(User)).where(User.email.not_like("%@placeholder.invalid"))
    if status == "active":
        stmt = stmt.where(User.deactivated_at.is_(None))
    elif status == "deactivated":
        stmt = stmt.where(User.deactivated_at.is_not(None))
    if q:
        stmt = stmt.where(
            or_(User.name.icontains(q, autoescape=True), User.email.icontains(q, autoescape=True))
        )
    return stmt.order_by(User.name, User.id)


def active_admin_count() -> int:
    """How many admins can still sign in."""
    return (
        db.session.scalar(
            select(func.count()).where(
                User.role == "admin", User.deactivated_at.is_(None), User.email_confirmed_at.is_not(None)
            )
        )
        or 0
    )


def _is_last_admin(user: User) -> bool:
    return user.role == "admin" and user.is_active and active_admin_count() <= 1


def _last_admin_message(admin: User, user: User) -> str:
    who = "You are" if user.id == admin.id else f"{user.name} is"
    return f"{who} the last active admin. Make someone else an admin first."


def set_role(admin: User, user: User, role: str) -> None:
    """Give a person a global role; nobody changes their own, and the last admin stays an admin."""
    require_admin(admin)
    if role not in ROLES:
        raise ValidationError({"role": "Choose a role from the list."})
    if role == user.role:
        return
    if role != "admin" and _is_last_admin(user):
        raise ValidationError({"role": _last_admin_message(admin, user)})
    if user.id == admin.id:
        raise ValidationError({"role": "You can't change your own role. Ask another admin to do it."})
    audit.record(admin, "user.role_changed", "user", user.id, before=user.role, after=role)
    user.role = role
    db.session.flush()
    events.record("user_updated", actor=admin, id=user.id)


def deactivate(admin: User, user: User) -> None:
    """Deactivate a leaver: every session ends at once and they can't sign in; their content stays."""
    require_admin(admin)
    if user.is_deactivated:
        return
    if _is_last_admin(user):
        raise ValidationError({"user": _last_admin_message(admin, user)})
    if user.id == admin.id:
        raise ValidationError({"user": "You can't deactivate your own account. Ask another admin to do it."})
    end_account(user, admin)


def end_account(user: User, actor: User | None, reason: str = "", **audit_data) -> bool:
    """Deactivate without permission checks (admins above; the HR roster sync): every session, socket
    and API token ends at once, audited. Returns False if the person was already deactivated."""
    if user.is_deactivated:
        return False
    now = utcnow()
    user.deactivated_at = now
    # The contract for ending sessions (HTTP now, sockets after commit): a new session_version.
    user.session_version += 1
    # Revoked, not merely refused while deactivated: reactivating a returner must not revive old tokens.
    revoked = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if revoked:
        audit_data["tokens_revoked"] = revoked
    audit.record(actor, "user.deactivated", "user", user.id, reason, **audit_data)
    db.session.flush()
    events.record("user_deactivated", actor=actor, user_id=user.id, id=user.id)
    return True


def reactivate(admin: User, user: User) -> None:
    """Let a returning person sign in again, back in All staff."""
    from app.communities.services import add_to_all_staff

    require_admin(admin)
    if not user.is_deactivated:
        return
    if user.is_erased:
        raise ValidationError({"user": "This account was erased: there is no one to bring back."})
    user.deactivated_at = None
    audit.record(admin, "user.reactivated", "user", user.id)
    db.session.flush()
    add_to_all_staff(user)
    events.record("user_updated", actor=admin, id=user.id)


def current_settings() -> dict:
    """The settings page's values, with the configured self-registration domains."""
    return {
        "self_registration": get_setting("self_registration") == "1",
        "creator_roles": role_list("restricted_community_creators"),
        "domains": current_app.config["ALLOWED_EMAIL_DOMAINS"],
        "session_idle_minutes": get_setting("session_idle_minutes"),
        "sso_configured": oidc.configured(),
        "sso_label": oidc.button_label(),
        "sso_only": get_setting("sso_only") == "1",
    }


def _admins_with_passwords() -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                User.role == "admin",
                User.deactivated_at.is_(None),
                User.email_confirmed_at.is_not(None),
                User.password_hash.is_not(None),
            )
        )
        or 0
    )


def _check_sso_only(sso_only: bool) -> dict[str, str]:
    if not sso_only or get_setting("sso_only") == "1":
        return {}
    if not oidc.configured():
        return {"sso_only": "Single sign-on isn't configured on this server (OIDC_ISSUER and its client)."}
    if not _admins_with_passwords():
        return {
            "sso_only": "At least one admin needs a password first, to sign in if the provider is unavailable: "
            "set one under Password and sessions."
        }
    return {}


def update_settings(
    admin: User, self_registration: bool, creator_roles: list[str], idle_minutes: str, sso_only: bool = False
) -> None:
    """Self-registration, who besides admins creates private and secret communities, the idle limit and
    whether passwords are off (SSO only)."""
    require_admin(admin)
    errors = _check_sso_only(sso_only)
    if [role for role in creator_roles if role not in CREATOR_ROLES]:
        errors["creator_roles"] = "Choose only from comms officers, leaders and moderators."
    low, high = IDLE_RANGE
    idle = (idle_minutes or "").strip()
    if not idle.isascii() or not idle.isdigit() or not low <= int(idle) <= high:
        errors["session_idle_minutes"] = f"Enter a number of minutes from {low} to {high:,}."
    if errors:
        raise ValidationError(errors)
    audit.record(
        admin,
        "settings.updated",
        self_registration=self_registration,
        creator_roles=creator_roles,
        session_idle_minutes=int(idle),
        sso_only=sso_only,
    )
    set_setting("sso_only", "1" if sso_only else "0")
    set_setting("session_idle_minutes", str(int(idle)))
    set_setting("self_registration", "1" if self_registration else "0")
    set_setting(
        "restricted_community_creators", ",".join(role for role in CREATOR_ROLES if role in creator_roles)
    )
