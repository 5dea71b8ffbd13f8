"""The core personal data kinds: what Rollcall's foundation holds about a person, for subject access
downloads and erasure. Features register theirs in app/<feature>/governance.py."""

from sqlalchemy import delete, func, or_, select, update

from app.extensions import db
from app.governance.purge import anonymise_posts, anonymise_replies
from app.governance.registry import PersonalData, iso, register_personal_data
from app.models import (
    ApiToken,
    AuditEntry,
    Community,
    DataExport,
    JoinRequest,
    LoginThrottle,
    Membership,
    Notification,
    NotificationSettings,
    PolicyAcceptance,
    PolicyVersion,
    Post,
    Reaction,
    Reply,
    Revision,
    SensitiveConfirmation,
    SsoIdentity,
    ThreadFollow,
    Topic,
    TopicFollow,
    User,
    UserFollow,
)


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def profile(user: User) -> list[dict]:
    """The account itself."""
    return [
        {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "handle": user.handle,
            "job_title": user.job_title,
            "unit": user.unit.name if user.unit else None,
            "staff_type": user.staff_type,
            "role": user.role,
            "bio": user.bio,
            "joined_at": iso(user.created_at),
            "email_confirmed_at": iso(user.email_confirmed_at),
            "last_seen_at": iso(user.last_seen_at),
            "deactivated_at": iso(user.deactivated_at),
            "has_password": user.password_hash is not None,
        }
    ]


def _posts(user: User):
    return select(Post).where(Post.author_id == user.id).order_by(Post.id)


def posts(user: User) -> list[dict]:
    """Everything they posted, removed and held posts included (it is still held)."""
    return [
        {
            "id": p.id,
            "community": p.community.name,
            "kind": p.kind,
            "status": p.status,
            "protective_marking": p.marking,
            "created_at": iso(p.created_at),
            "edited_at": iso(p.edited_at),
            "text": p.body_source,
        }
        for p in db.session.scalars(_posts(user))
    ]


def _replies(user: User):
    return select(Reply).where(Reply.author_id == user.id).order_by(Reply.id)


def replies(user: User) -> list[dict]:
    """Everything they replied."""
    return [
        {
            "id": r.id,
            "post_id": r.post_id,
            "status": r.status,
            "created_at": iso(r.created_at),
            "edited_at": iso(r.edited_at),
            "text": r.body_source,
        }
        for r in db.session.scalars(_replies(user))
    ]


def erase_posts(user: User, placeholder: User) -> int:
    """Their posts stay for the conversations they started, credited to "Former member (erased)"."""
    return anonymise_posts(
        list(db.session.scalars(select(Post.id).where(Post.author_id == user.id))), "erased"
    )


def erase_replies(user: User, placeholder: User) -> int:
    """Their replies stay so threads still read, credited to "Former member (erased)"."""
    ids = list(db.session.scalars(select(Reply.id).where(Reply.author_id == user.id)))
    return anonymise_replies(ids, "erased")


def revisions(user: User) -> list[dict]:
    """Earlier versions of things they edited."""
    rows = db.session.scalars(select(Revision).where(Revision.edited_by_id == user.id).order_by(Revision.id))
    return [
        {"post_id": r.post_id, "reply_id": r.reply_id, "created_at": iso(r.created_at), "text": r.body_source}
        for r in rows
    ]


def reactions(user: User) -> list[dict]:
    """Their reactions."""
    rows = db.session.scalars(
        select(Reaction).where(Reaction.user_id == user.id).order_by(Reaction.created_at)
    )
    return [{"post_id": r.post_id, "kind": r.kind, "created_at": iso(r.created_at)} for r in rows]


def _delete(model, *conditions):
    def erase(user: User, placeholder: User) -> int:
        result = db.session.execute(
            delete(model).where(*(c(user) for c in conditions)).execution_options(synchronize_session=False)
        )
        return result.rowcount or 0

    return erase


def memberships(user: User) -> list[dict]:
    """Communities they belong to, and requests and invitations to join."""
    rows = db.session.execute(
        select(Community.name, Membership.role, Membership.created_at)
        .join(Community, Community.id == Membership.community_id)
        .where(Membership.user_id == user.id)
        .order_by(Community.name)
    ).all()
    requests = db.session.execute(
        select(
            Community.name, JoinRequest.kind, JoinRequest.status, JoinRequest.message, JoinRequest.created_at
        )
        .join(Community, Community.id == JoinRequest.community_id)
        .where(JoinRequest.user_id == user.id)
        .order_by(JoinRequest.id)
    ).all()
    return [{"community": n, "role": r, "joined_at": iso(t)} for n, r, t in rows] + [
        {"community": n, "request": k, "status": s, "message": m, "created_at": iso(t)}
        for n, k, s, m, t in requests
    ]


def erase_memberships(user: User, placeholder: User) -> int:
    """Memberships and join requests go (so no community lists them). A community they owned alone
    passes to its community admins; with none, site admins manage it as they can any community."""
    owned = list(
        db.session.scalars(
            select(Membership.community_id).where(Membership.user_id == user.id, Membership.role == "owner")
        )
    )
    gone = db.session.execute(delete(Membership).where(Membership.user_id == user.id)).rowcount or 0
    gone += db.session.execute(delete(JoinRequest).where(JoinRequest.user_id == user.id)).rowcount or 0
    for community_id in owned:
        others = select(Membership).where(Membership.community_id == community_id, Membership.role == "owner")
        if db.session.scalar(others.limit(1)) is None:
            db.session.execute(
                update(Membership)
                .where(Membership.community_id == community_id, Membership.role == "admin")
                .values(role="owner")
                .execution_options(synchronize_session=False)
            )
    return gone


def follows(user: User) -> list[dict]:
    """People, topics and conversations they follow."""
    people = db.session.execute(
        select(User.name, UserFollow.created_at)
        .join(User, User.id == UserFollow.followed_id)
        .where(UserFollow.follower_id == user.id)
    ).all()
    topics = db.session.execute(
        select(Topic.name, TopicFollow.created_at)
        .join(Topic, Topic.id == TopicFollow.topic_id)
        .where(TopicFollow.user_id == user.id)
    ).all()
    threads = db.session.scalars(select(ThreadFollow).where(ThreadFollow.user_id == user.id))
    return (
        [{"person": n, "since": iso(t)} for n, t in people]
        + [{"topic": n, "since": iso(t)} for n, t in topics]
        + [{"conversation_post_id": f.post_id, "muted": f.muted, "since": iso(f.created_at)} for f in threads]
    )


def erase_follows(user: User, placeholder: User) -> int:
    """Follows go both ways (nobody keeps following an erased account)."""
    gone = db.session.execute(
        delete(UserFollow).where(or_(UserFollow.follower_id == user.id, UserFollow.followed_id == user.id))
    ).rowcount
    gone += db.session.execute(delete(TopicFollow).where(TopicFollow.user_id == user.id)).rowcount
    gone += db.session.execute(delete(ThreadFollow).where(ThreadFollow.user_id == user.id)).rowcount
    return gone or 0


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
    """Their notifications and notification choices go."""
    gone = db.session.execute(delete(Notification).where(Notification.user_id == user.id)).rowcount or 0
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
        "profile", "Your account", "Name, email, job title, unit, staff type, role and bio.", profile
    )
)
register_personal_data(
    PersonalData(
        "posts", "Posts", "Everything you posted.", posts, erase_posts, count=lambda u: _count(_posts(u))
    )
)
register_personal_data(
    PersonalData(
        "replies",
        "Replies",
        "Everything you replied.",
        replies,
        erase_replies,
        count=lambda u: _count(_replies(u)),
    )
)
register_personal_data(
    PersonalData(
        "revisions", "Earlier versions", "The text of things you edited, before each edit.", revisions
    )
)
register_personal_data(
    PersonalData(
        "reactions",
        "Reactions",
        "Your reactions to posts.",
        reactions,
        _delete(Reaction, lambda u: Reaction.user_id == u.id),
    )
)
register_personal_data(
    PersonalData(
        "memberships",
        "Communities",
        "Communities you belong to, and requests to join.",
        memberships,
        erase_memberships,
    )
)
register_personal_data(
    PersonalData("follows", "Follows", "People, topics and conversations you follow.", follows, erase_follows)
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
        _delete(SensitiveConfirmation, lambda u: SensitiveConfirmation.user_id == u.id),
    )
)
register_personal_data(
    PersonalData("exports", "Downloads", "Copies of your data you asked for.", exports, erase_exports)
)
