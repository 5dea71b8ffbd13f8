"""The core personal data kinds about a person's records rather than their content: notifications,
sign-in, policy acceptances, the audit log, sensitive-content confirmations and downloads."""

from sqlalchemy import delete, func, or_, select, update

from app.extensions import db
from app.governance.registry import PersonalData, iso, register_personal_data
from app.models import (
    ApiToken,
    AuditEntry,
    DataExport,
    LoginThrottle,
    Notification,
    NotificationSettings,
    PolicyAcceptance,
    PolicyVersion,
    SensitiveConfirmation,
    SsoIdentity,
    User,
)


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def _delete_confirmations(user: User, placeholder: User) -> int:
    return (
        db.session.execute(
            delete(SensitiveConfirmation).where(SensitiveConfirmation.user_id == user.id)
        ).rowcount
        or 0
    )


def notifications(user: User) -> list[dict]:
    """Notifications they received (what kind, about which item, when, read) and their choices."""
    rows = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    found = [
        {
            "kind": n.kind,
            "post_id": (n.data or {}).get("post_id"),
            "created_at": iso(n.created_at),
            "read_at": iso(n.read_at),
        }
        for n in rows
    ]
    settings = db.session.get(NotificationSettings, user.id)
    if settings is not None:
        found.append(
            {"muted_kinds": settings.muted_kinds, "muted_community_ids": settings.muted_community_ids}
        )
    return found


def erase_notifications(user: User, placeholder: User) -> int:
    """Their notifications and notification choices go; other people's notifications about something
    they did name the placeholder instead ("Former member (erased) replied")."""
    gone = db.session.execute(delete(Notification).where(Notification.user_id == user.id)).rowcount or 0
    gone += (
        db.session.execute(
            update(Notification).where(Notification.actor_id == user.id).values(actor_id=placeholder.id)
        ).rowcount
        or 0
    )
    db.session.execute(delete(NotificationSettings).where(NotificationSettings.user_id == user.id))
    return gone


def sign_in(user: User) -> list[dict]:
    """API tokens (never the secret), single sign-on links and failed sign-in counts."""
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    identities = db.session.scalars(select(SsoIdentity).where(SsoIdentity.user_id == user.id))
    throttle = db.session.get(LoginThrottle, user.email)
    return (
        [
            {
                "api_token": t.name,
                "prefix": t.prefix,
                "scope": t.scope,
                "created_at": iso(t.created_at),
                "last_used_at": iso(t.last_used_at),
                "revoked_at": iso(t.revoked_at),
            }
            for t in tokens
        ]
        + [
            {
                "single_sign_on": i.issuer,
                "subject": i.subject,
                "linked_at": iso(i.created_at),
                "last_sign_in_at": iso(i.last_sign_in_at),
            }
            for i in identities
        ]
        + (
            [{"failed_sign_ins": throttle.failures, "since": iso(throttle.first_failed_at)}]
            if throttle
            else []
        )
    )


def erase_sign_in(user: User, placeholder: User) -> int:
    """Tokens, single sign-on links and sign-in counters go (the account can never be signed into)."""
    gone = db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id)).rowcount or 0
    gone += db.session.execute(delete(SsoIdentity).where(SsoIdentity.user_id == user.id)).rowcount or 0
    gone += db.session.execute(delete(LoginThrottle).where(LoginThrottle.email == user.email)).rowcount or 0
    return gone


def policy(user: User) -> list[dict]:
    """Which versions of the acceptable use policy they accepted, and when."""
    rows = db.session.execute(
        select(PolicyVersion.number, PolicyAcceptance.accepted_at)
        .join(PolicyVersion, PolicyVersion.id == PolicyAcceptance.version_id)
        .where(PolicyAcceptance.user_id == user.id)
        .order_by(PolicyVersion.number)
    ).all()
    return [{"version": n, "accepted_at": iso(t)} for n, t in rows]


def audit_entries(user: User) -> list[dict]:
    """Admin and moderation actions they took, or that were about their account."""
    rows = db.session.scalars(
        select(AuditEntry)
        .where(
            or_(
                AuditEntry.actor_id == user.id,
                (AuditEntry.target_type == "user") & (AuditEntry.target_id == user.id),
            )
        )
        .order_by(AuditEntry.id)
    )
    return [
        {
            "action": a.action,
            "by_them": a.actor_id == user.id,
            "target": f"{a.target_type} {a.target_id}" if a.target_type else "",
            "reason": a.reason,
            "at": iso(a.created_at),
        }
        for a in rows
    ]


def confirmations(user: User) -> list[dict]:
    """Times they published after a sensitive-content warning."""
    rows = db.session.scalars(
        select(SensitiveConfirmation)
        .where(SensitiveConfirmation.user_id == user.id)
        .order_by(SensitiveConfirmation.id)
    )
    return [
        {
            "item": f"{c.item_type} {c.item_id}",
            "pattern": c.pattern,
            "matches": c.matches,
            "at": iso(c.created_at),
        }
        for c in rows
    ]


def exports(user: User) -> list[dict]:
    """Downloads they asked for (this one included)."""
    rows = db.session.scalars(
        select(DataExport).where(DataExport.requested_by_id == user.id).order_by(DataExport.id)
    )
    return [{"kind": e.kind, "status": e.status, "requested_at": iso(e.created_at)} for e in rows]


def erase_exports(user: User, placeholder: User) -> int:
    """Downloads about them, and ones they asked for, go with their files."""
    from app.governance.exports import forget_exports

    return forget_exports(
        select(DataExport).where(or_(DataExport.subject_id == user.id, DataExport.requested_by_id == user.id))
    )


register_personal_data(
    PersonalData(
        "notifications",
        "Notifications",
        "Notifications you received and the ones you switched off.",
        notifications,
        erase_notifications,
        count=lambda u: _count(select(Notification.id).where(Notification.user_id == u.id)),
    )
)
register_personal_data(
    PersonalData(
        "sign_in",
        "Signing in",
        "API tokens (not their secrets), single sign-on and failed sign-ins.",
        sign_in,
        erase_sign_in,
    )
)
register_personal_data(
    PersonalData("policy", "Acceptable use policy", "The versions you accepted, and when.", policy)
)
register_personal_data(
    PersonalData(
        "audit", "Audit log", "Admin and moderation actions you took, or about your account.", audit_entries
    )
)
register_personal_data(
    PersonalData(
        "sensitive_confirmations",
        "Sensitive-content confirmations",
        "When you published after a sensitive-content warning.",
        confirmations,
        _delete_confirmations,
    )
)
register_personal_data(
    PersonalData("exports", "Downloads", "Copies of your data you asked for.", exports, erase_exports)
)
