"""The core personal data kinds about what a person wrote and took part in (their account, posts,
replies, reactions, communities, follows), for subject access downloads and erasure. Their records
(notifications, sign-in, audit ...) are in core_records.py; features register theirs in
app/<feature>/governance.py."""

from sqlalchemy import delete, func, or_, select, update

from app.extensions import db
from app.governance.purge import anonymise_posts, anonymise_replies
from app.governance.registry import PersonalData, iso, register_personal_data
from app.models import (
    Community,
    JoinRequest,
    Membership,
    Post,
    Reaction,
    Reply,
    Revision,
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
