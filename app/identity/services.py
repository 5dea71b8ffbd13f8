"""Signing in with the organisation's identity provider: matching or creating the account from the
provider's claims, and the "SSO only" mode that turns passwords off for everyone but admins."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from app import audit
from app.auth.services import check_email, create_user, normalise_email, user_by_email
from app.errors import ValidationError
from app.extensions import db
from app.forms import clean_text
from app.identity import oidc
from app.identity.oidc import SsoError
from app.identity.profile import apply_profile_changes, profile_changes
from app.models import Invitation, SsoIdentity, User, utcnow
from app.site_settings import get_setting

MAX_TEXT = 120  # names, units and job titles, as in the User and Unit models


def sso_only() -> bool:
    """Passwords are off (admins excepted) when an admin chose it and single sign-on is configured.

    If the provider's configuration is removed, passwords come back on their own: nobody is locked out.
    """
    return oidc.configured() and get_setting("sso_only") == "1"


def password_sign_in_allowed(user: User) -> bool:
    """Whether this person may use a password; in SSO-only mode, admins only (the break-glass way in)."""
    return not sso_only() or user.role == "admin"


def sign_in_options() -> dict:
    """What the sign-in, registration and reset pages need to know (for templates)."""
    enabled = oidc.configured()
    return {
        "enabled": enabled,
        "label": oidc.button_label() if enabled else "",
        "only": sso_only(),
        "creates_accounts": enabled and current_app.config["OIDC_CREATE_ACCOUNTS"],
    }


@dataclass
class Profile:
    """What the provider says about the person, cleaned."""

    subject: str
    email: str
    email_verified: bool
    name: str
    unit: str | None  # None: the claim wasn't sent (so the unit is left alone)
    job_title: str | None


def _text(value) -> str | None:
    return clean_text(value)[:MAX_TEXT] if isinstance(value, str) else None


def _is_true(value) -> bool:
    # Some providers send the JSON string "true" rather than a boolean.
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def profile_from_claims(claims: dict) -> Profile:
    """Read the claims Rollcall uses (claim names for verification, unit and job title are configurable)."""
    config = current_app.config
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise SsoError(oidc.NOT_VERIFIED, 400, "missing or malformed sub")
    email = normalise_email(clean_text(claims.get("email")) if isinstance(claims.get("email"), str) else "")
    given = " ".join(_text(claims.get(k)) or "" for k in ("given_name", "family_name")).strip()
    name = _text(claims.get("name")) or given or email.partition("@")[0]
    return Profile(
        subject=subject,
        email=email,
        email_verified=_is_true(claims.get(config["OIDC_EMAIL_VERIFIED_CLAIM"])),
        name=name[:MAX_TEXT],
        unit=_text(claims.get(config["OIDC_UNIT_CLAIM"])),
        job_title=_text(claims.get(config["OIDC_JOB_TITLE_CLAIM"])),
    )


def _domain_allowed(email: str) -> bool:
    domains = current_app.config["ALLOWED_EMAIL_DOMAINS"]
    return not domains or email.rpartition("@")[2] in domains


def _check_email_trustworthy(profile: Profile) -> None:
    """Only a verified address in an allowed domain may match or create an account."""
    if check_email(profile.email):
        raise SsoError(
            "The sign-in service didn't share a work email address for you, so we can't match you to an "
            "account. Please tell the service desk.",
            403,
            "no usable email claim",
        )
    if not profile.email_verified:
        raise SsoError(
            f"The sign-in service hasn't verified {profile.email}, so we can't use it to find or create "
            "your account. Please tell the service desk.",
            403,
            "email not verified",
        )
    if not _domain_allowed(profile.email):
        domains = ", ".join(current_app.config["ALLOWED_EMAIL_DOMAINS"])
        raise SsoError(
            f"Accounts here are for {domains} addresses, and you signed in as {profile.email}.",
            403,
            "email domain not allowed",
        )


def _deactivated() -> SsoError:
    return SsoError(
        "Your Rollcall account has been deactivated, so you can't sign in. If you have come back, ask an "
        "admin to reactivate it.",
        403,
        "account deactivated",
    )


def _open_invitation(email: str) -> Invitation | None:
    cutoff = utcnow() - current_app.config["INVITATION_MAX_AGE"]
    return db.session.scalar(
        select(Invitation)
        .where(
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.created_at >= cutoff,
        )
        .order_by(Invitation.id.desc())
    )


def _create_account(profile: Profile) -> User:
    invitation = _open_invitation(profile.email)
    if invitation is None and not current_app.config["OIDC_CREATE_ACCOUNTS"]:
        raise SsoError(
            f"There's no Rollcall account for {profile.email} yet. Ask an admin to invite you.",
            403,
            "no account and OIDC_CREATE_ACCOUNTS=0",
        )
    try:
        user = create_user(
            profile.email,
            (invitation.name if invitation and invitation.name else profile.name),
            None,
            role=invitation.role if invitation else "member",
            unit=invitation.unit if invitation else None,
        )
    except ValidationError as exc:
        raise SsoError(
            "We couldn't create your account from what the sign-in service sent. Please tell the service desk.",
            403,
            f"create_user: {exc.fields}",
        ) from exc
    if invitation is not None:
        invitation.accepted_at = utcnow()
    return user


def _match_or_create(issuer: str, profile: Profile) -> tuple[User, SsoIdentity, str]:
    """(account, its identity row, how it was found: "subject", "email" or "created")."""
    identity = db.session.scalar(
        select(SsoIdentity).where(SsoIdentity.issuer == issuer, SsoIdentity.subject == profile.subject)
    )
    if identity is not None:
        return identity.user, identity, "subject"
    _check_email_trustworthy(profile)
    user = user_by_email(profile.email)
    how = "email"
    if user is None:
        user, how = _create_account(profile), "created"
    elif user.is_deactivated:
        raise _deactivated()
    elif db.session.scalar(
        select(SsoIdentity.id).where(SsoIdentity.user_id == user.id, SsoIdentity.issuer == issuer)
    ):
        # The address now belongs to someone else at the provider (a reused mailbox): don't hand it over.
        raise SsoError(
            f"The account for {profile.email} is linked to a different person at the sign-in service. "
            "Ask an admin to check it.",
            403,
            "email matches an account linked to another subject",
        )
    identity = SsoIdentity(user_id=user.id, issuer=issuer, subject=profile.subject)
    db.session.add(identity)
    return user, identity, how


def _follow_email_change(user: User, profile: Profile) -> dict:
    """A changed, verified, allowed and unused address at the provider becomes the account's address."""
    if profile.email == user.email or not profile.email_verified or check_email(profile.email):
        return {}
    if not _domain_allowed(profile.email) or user_by_email(profile.email) is not None:
        return {}
    before, user.email = user.email, profile.email
    return {"email_before": before, "email": profile.email}


def sign_in_with_provider(issuer: str, claims: dict) -> User:
    """The active account for these validated claims, linked, created or updated and audited; flushes.

    Raises SsoError (and changes nothing) for an unverified or disallowed email, a deactivated account,
    or no account when accounts aren't created from sign-ins.
    """
    profile = profile_from_claims(claims)
    user, identity, how = _match_or_create(issuer, profile)
    if user.is_deactivated:
        raise _deactivated()
    changes = _follow_email_change(user, profile) if how == "subject" else {}
    if user.email_confirmed_at is None and profile.email_verified and profile.email == user.email:
        # The provider has verified the address that a self-registration was waiting to confirm.
        user.email_confirmed_at = utcnow()
    changes |= apply_profile_changes(user, profile_changes(user, profile.unit, profile.job_title))
    identity.last_sign_in_at = utcnow()
    db.session.flush()
    if how == "created":
        audit.record(
            user, "sso.account_created", "user", user.id, issuer=issuer, subject=profile.subject, **changes
        )
    elif how == "email":
        audit.record(
            user, "sso.account_linked", "user", user.id, issuer=issuer, subject=profile.subject, **changes
        )
    elif set(changes) - {"unknown_unit"}:  # a unit we don't have is noted, but isn't a change
        audit.record(user, "sso.account_updated", "user", user.id, issuer=issuer, **changes)
    if not user.is_active:
        raise SsoError("Your account can't be used to sign in yet. Ask an admin.", 403, "inactive account")
    return user
