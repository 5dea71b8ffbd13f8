"""Account services: credentials, invitations, registration, confirmation and resets."""

import re
from datetime import datetime

from flask import current_app, url_for
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app import events
from app.auth import lockout
from app.auth.passwords import check_password
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.mail import send_mail
from app.models import ROLES, Invitation, Unit, User, utcnow
from app.permissions import is_admin
from app.site_settings import get_setting
from app.tokens import make_token, read_token

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A real hash to compare against when the email is unknown, so timing doesn't reveal accounts.
_DUMMY_HASHES: dict[str, str] = {}


def hash_password(password: str) -> str:
    """Hash with the configured method (scrypt in production; a cheap one in tests)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = hash_password("not-a-real-password")
    return _DUMMY_HASHES[method]


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return (email or "").strip().lower()


def check_email(email: str, field: str = "email") -> dict[str, str]:
    """A field error for a malformed email, or nothing."""
    if not email:
        return {field: "Enter your work email address."}
    if len(email) > 254 or not EMAIL_RE.match(email):
        return {field: "Enter an email address like name@example.police.uk."}
    return {}


def check_name(name: str, field: str = "name") -> dict[str, str]:
    """A field error for a missing or overlong name, or nothing."""
    if not name:
        return {field: "Enter your name."}
    if len(name) > 120:
        return {field: "Use at most 120 characters."}
    return {}


def user_by_email(email: str) -> User | None:
    """The account with this email, if any."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def unique_handle(email: str) -> str:
    """A free @handle from the email's local part: sam.patel, then sam.patel2, ..."""
    base = re.sub(r"[^a-z0-9._-]", "", normalise_email(email).partition("@")[0]).strip("._-")[:60] or "user"
    taken = set(db.session.scalars(select(User.handle).where(User.handle.like(f"{base}%"))))
    handle, n = base, 2
    while handle in taken:
        handle, n = f"{base}{n}", n + 1
    return handle


def authenticate(email: str, password: str) -> User | None:
    """The active person with these credentials, or None (same cost whether the email exists)."""
    user = user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    return user if user.is_active else None


def sign_in_attempt(email: str, password: str) -> tuple[User | None, datetime | None]:
    """Try to sign in: (the person, None) on success, else (None, the lockout's end if now locked)."""
    email = normalise_email(email)
    until = lockout.locked_until(email)
    if until is not None:
        return None, until
    user = authenticate(email, password)
    if user is not None:
        lockout.clear(email)
        return user, None
    return None, lockout.record_failure(email, user_by_email(email))


def create_user(
    email: str,
    name: str,
    password: str | None,
    *,
    role: str = "member",
    unit: Unit | None = None,
    job_title: str = "",
    staff_type: str = "civilian",
    confirmed: bool = True,
) -> User:
    """Create an account (validated) and put the person in All staff."""
    from app.communities.services import add_to_all_staff

    email = normalise_email(email)
    name = (name or "").strip()
    errors = check_email(email) | check_name(name)
    if password is not None:
        errors |= check_password(password, context=(email.partition("@")[0], name))
    if role not in ROLES:
        errors["role"] = "Choose a role from the list."
    if not errors and user_by_email(email) is not None:
        errors["email"] = "An account with this email already exists."
    if errors:
        raise ValidationError(errors)
    user = User(
        email=email,
        name=name,
        handle=unique_handle(email),
        password_hash=hash_password(password) if password else None,
        role=role,
        unit=unit,
        job_title=job_title,
        staff_type=staff_type,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(user)
    db.session.flush()
    add_to_all_staff(user)
    events.record("user_created", user_id=user.id, id=user.id)
    return user


def _about(user: User) -> tuple[str, ...]:
    """What a guesser knows about the person: their email's local part and their name."""
    return user.email.partition("@")[0], user.name


def set_password(user: User, password: str) -> None:
    """Store a new password and end every other session of this person."""
    errors = check_password(password, context=_about(user))
    if errors:
        raise ValidationError(errors)
    user.password_hash = hash_password(password)
    user.session_version += 1
    lockout.clear(user.email)  # a reset is the way out of a lockout
    db.session.flush()
    events.record("user_updated", actor=user, user_id=user.id, sessions_revoked=True)


def change_password(user: User, current: str, new: str, confirm: str) -> None:
    """Change one's own password after proving the current one."""
    errors: dict[str, str] = {}
    if not user.password_hash or not check_password_hash(user.password_hash, current or ""):
        errors["current_password"] = "That isn't your current password."
    errors |= check_password(new, "new_password", context=_about(user))
    if not errors.get("new_password") and new != confirm:
        errors["confirm_password"] = "The two new passwords don't match."
    if errors:
        raise ValidationError(errors)
    set_password(user, new)


def sign_out_everywhere(user: User) -> None:
    """Invalidate every session and remember-me cookie the person has."""
    user.session_version += 1
    db.session.flush()
    events.record("user_updated", actor=user, user_id=user.id, sessions_revoked=True)


def _link(endpoint: str, token: str) -> str:
    return current_app.config["BASE_URL"] + url_for(endpoint, token=token)


def invite(
    admin: User, email: str, name: str = "", role: str = "member", unit: Unit | None = None
) -> Invitation:
    """An admin invites someone by email; the link is signed and expires."""
    if not is_admin(admin):
        raise PermissionDenied()
    email = normalise_email(email)
    errors = check_email(email)
    if len(name or "") > 120:
        errors["name"] = "Use at most 120 characters."
    if role not in ROLES:
        errors["role"] = "Choose a role from the list."
    if not errors and user_by_email(email) is not None:
        errors["email"] = "This person already has an account."
    if errors:
        raise ValidationError(errors)
    invitation = Invitation(email=email, name=(name or "").strip(), role=role, unit=unit, invited_by=admin)
    db.session.add(invitation)
    db.session.flush()
    token = make_token("invite", {"invitation": invitation.id, "email": email})
    send_mail(
        email,
        f"{admin.name} invited you to {current_app.config['ORG_NAME']}",
        "invitation",
        invitation=invitation,
        link=_link("auth.accept_invitation", token),
    )
    return invitation


def invitation_from_token(token: str) -> Invitation | None:
    """The open invitation the token names, or None if forged, expired, used or revoked."""
    payload = read_token("invite", token, current_app.config["INVITATION_MAX_AGE"])
    if not payload:
        return None
    invitation = db.session.get(Invitation, payload.get("invitation"))
    if invitation is None or invitation.accepted_at or invitation.revoked_at:
        return None
    return invitation if invitation.email == payload.get("email") else None


def accept_invitation(invitation: Invitation, name: str, password: str) -> User:
    """Turn an invitation into an account."""
    user = create_user(invitation.email, name, password, role=invitation.role, unit=invitation.unit)
    invitation.accepted_at = utcnow()
    return user


def registration_open_for(email: str) -> bool:
    """Self-registration is for ALLOWED_EMAIL_DOMAINS only, and admins can turn it off."""
    domains = current_app.config["ALLOWED_EMAIL_DOMAINS"]
    if not domains or get_setting("self_registration") != "1":
        return False
    return normalise_email(email).rpartition("@")[2] in domains


def register(email: str, name: str, password: str) -> None:
    """Self-registration: the account waits for email confirmation; the answer never reveals accounts."""
    email = normalise_email(email)
    errors = (
        check_email(email)
        | check_name((name or "").strip())
        | check_password(password, context=(email.partition("@")[0], name or ""))
    )
    if not errors.get("email") and not registration_open_for(email):
        domains = ", ".join(current_app.config["ALLOWED_EMAIL_DOMAINS"]) or "none"
        errors["email"] = (
            f"Self-registration is for these email domains: {domains}. Ask an admin for an invitation."
        )
    if errors:
        raise ValidationError(errors)
    existing = user_by_email(email)
    if existing is not None:
        send_mail(
            email,
            "You already have a Rollcall account",
            "already_registered",
            user=existing,
            link=current_app.config["BASE_URL"] + url_for("auth.forgot_password"),
        )
        return
    user = create_user(email, name, password, confirmed=False)
    token = make_token("confirm", {"user": user.id, "email": email})
    send_mail(
        email, "Confirm your Rollcall account", "confirm", user=user, link=_link("auth.confirm_email", token)
    )


def confirm_email(token: str) -> User | None:
    """Confirm a self-registered account from its emailed token."""
    payload = read_token("confirm", token, current_app.config["CONFIRM_MAX_AGE"])
    if not payload:
        return None
    user = db.session.get(User, payload.get("user"))
    if user is None or user.email != payload.get("email") or user.is_deactivated:
        return None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        events.record("user_updated", actor=user, user_id=user.id, id=user.id)
    return user


def request_password_reset(email: str) -> None:
    """Email a reset link if an active account exists; say nothing either way."""
    from app.identity.services import password_sign_in_allowed

    user = user_by_email(email)
    if user is None or not user.is_active or not password_sign_in_allowed(user):
        return
    # The password hash in the token makes it single-use: once the password changes it no longer matches.
    token = make_token("reset", {"user": user.id, "h": (user.password_hash or "")[-16:]})
    send_mail(
        user.email,
        "Reset your Rollcall password",
        "reset",
        user=user,
        link=_link("auth.reset_password", token),
    )


def user_from_reset_token(token: str) -> User | None:
    """The person a genuine, unexpired, unused reset token names."""
    payload = read_token("reset", token, current_app.config["RESET_MAX_AGE"])
    if not payload:
        return None
    from app.identity.services import password_sign_in_allowed

    user = db.session.get(User, payload.get("user"))
    if user is None or not user.is_active or (user.password_hash or "")[-16:] != payload.get("h"):
        return None
    return user if password_sign_in_allowed(user) else None  # SSO only: admins' passwords alone
