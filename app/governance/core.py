"""The core kinds in the governance registry: posts, replies, removed items, earlier versions,
notifications, the audit log, the event log and sensitive-content confirmations (retention), and
posts and replies in disclosure exports. Personal data for subject access is in core_people.py."""

from sqlalchemy import and_, case, exists, or_, select, update

from app.extensions import db
from app.governance import core_people, core_records  # noqa: F401 - register the core personal data kinds
from app.governance.holds import covers
from app.governance.purge import anonymise_posts, anonymise_replies, purge_posts, purge_replies
from app.governance.registry import (
    DisclosureKind,
    RetentionKind,
    iso,
    register_disclosure,
    register_retention,
)
from app.models import AuditEntry, Event, Notification, Post, Reply, Revision, SensitiveConfirmation, User


def _erased_ids():
    # The placeholder accounts carry erased_at: anonymised rows point at them.
    return select(User.id).where(User.erased_at.is_not(None))


def _reply_community():
    return select(Post.community_id).where(Post.id == Reply.post_id).scalar_subquery()


def _replies_held(holds):
    """A post is held while any of its replies is: removing the post would remove them."""
    return exists(
        select(Reply.id).where(
            Reply.post_id == Post.id,
            covers(holds, people=(Reply.author_id,), community=Post.community_id, created=Reply.created_at),
        )
    )


def _anonymise_audit(ids: list[int]) -> int:
    db.session.execute(
        update(AuditEntry)
        .where(AuditEntry.id.in_(ids))
        .values(actor_id=None, data={})
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(AuditEntry)
        .where(AuditEntry.id.in_(ids), AuditEntry.target_type == "user")
        .values(target_id=None)
        .execution_options(synchronize_session=False)
    )
    return len(ids)


def _audit_target_person():
    return case((AuditEntry.target_type == "user", AuditEntry.target_id), else_=None)


register_retention(
    RetentionKind(
        key="posts",
        label="Posts",
        description="Posts (curated links and session announcements included), by when they were written; "
        "removing one removes its replies, reactions, earlier versions and attachments.",
        model=Post,
        timestamp=Post.created_at,
        people=(Post.author_id,),
        community=Post.community_id,
        remove=purge_posts,
        anonymise=anonymise_posts,
        anonymised=lambda: Post.author_id.in_(_erased_ids()),
        held_also=_replies_held,
    )
)
register_retention(
    RetentionKind(
        key="replies",
        label="Replies",
        description="Replies in conversations, by when they were written (with their earlier versions and attachments).",
        model=Reply,
        timestamp=Reply.created_at,
        people=(Reply.author_id,),
        community=_reply_community(),
        remove=purge_replies,
        anonymise=anonymise_replies,
        anonymised=lambda: Reply.author_id.in_(_erased_ids()),
    )
)
register_retention(
    RetentionKind(
        key="removed_posts",
        label="Removed posts",
        description="Posts their author or a moderator removed (readers see “This post was removed”; the text is "
        "kept for moderators and appeals), by when they were removed.",
        model=Post,
        timestamp=Post.deleted_at,
        created=Post.created_at,
        people=(Post.author_id,),
        community=Post.community_id,
        where=Post.status == "deleted",
        remove=purge_posts,
        held_also=_replies_held,
    )
)
register_retention(
    RetentionKind(
        key="removed_replies",
        label="Removed replies",
        description="Replies their author or a moderator removed, by when they were removed.",
        model=Reply,
        timestamp=Reply.deleted_at,
        created=Reply.created_at,
        people=(Reply.author_id,),
        community=_reply_community(),
        where=Reply.status == "deleted",
        remove=purge_replies,
    )
)
register_retention(
    RetentionKind(
        key="revisions",
        label="Earlier versions",
        description="The earlier text of edited posts and replies, by when the edit was made.",
        model=Revision,
        timestamp=Revision.created_at,
        people=(Revision.edited_by_id,),
    )
)
register_retention(
    RetentionKind(
        key="notifications",
        label="Notifications",
        description="Notifications people received (read or not), by when they were sent.",
        model=Notification,
        timestamp=Notification.created_at,
        people=(Notification.user_id, Notification.actor_id),
        community=Notification.community_id,
    )
)
register_retention(
    RetentionKind(
        key="audit_entries",
        label="Audit log entries",
        description="Moderation and admin actions (including each retention run). Anonymising keeps what was done "
        "and when, and forgets who did it and to whom.",
        model=AuditEntry,
        timestamp=AuditEntry.created_at,
        people=(AuditEntry.actor_id, _audit_target_person()),
        anonymise=_anonymise_audit,
        anonymised=lambda: and_(
            AuditEntry.actor_id.is_(None),
            or_(AuditEntry.target_type != "user", AuditEntry.target_id.is_(None)),
        ),
    )
)
register_retention(
    RetentionKind(
        key="events",
        label="Event log",
        description="The delivery log live updates and search are fed from (who did what, by id), once delivered.",
        model=Event,
        timestamp=Event.created_at,
        people=(Event.actor_id, Event.user_id),
        community=Event.community_id,
        where=Event.dispatched.is_(True),
    )
)
register_retention(
    RetentionKind(
        key="sensitive_confirmations",
        label="Sensitive-content confirmations",
        description="Records of authors publishing after a sensitive-content warning (who, which pattern, which item).",
        model=SensitiveConfirmation,
        timestamp=SensitiveConfirmation.created_at,
        people=(SensitiveConfirmation.user_id,),
    )
)


def _in_range(column, start, end):
    return and_(column >= start, column < end)


def disclosed_posts(community, start, end) -> list[dict]:
    """Every post in the community written in the range, removed and held ones included (marked)."""
    rows = db.session.scalars(
        select(Post)
        .where(Post.community_id == community.id, _in_range(Post.created_at, start, end))
        .order_by(Post.id)
    )
    return [
        {
            "id": p.id,
            "kind": p.kind,
            "author": p.author.name,
            "created_at": iso(p.created_at),
            "edited_at": iso(p.edited_at),
            "status": p.status,
            "protective_marking": p.marking,
            "text": p.body_source,
            "reply_count": p.reply_count,
        }
        for p in rows
    ]


def disclosed_replies(community, start, end) -> list[dict]:
    """Every reply in the community's conversations written in the range."""
    rows = db.session.scalars(
        select(Reply)
        .join(Post, Post.id == Reply.post_id)
        .where(Post.community_id == community.id, _in_range(Reply.created_at, start, end))
        .order_by(Reply.post_id, Reply.id)
    )
    return [
        {
            "id": r.id,
            "post_id": r.post_id,
            "author": r.author.name,
            "created_at": iso(r.created_at),
            "edited_at": iso(r.edited_at),
            "status": r.status,
            "text": r.body_source,
        }
        for r in rows
    ]


register_disclosure(
    DisclosureKind(
        key="posts",
        label="Posts",
        columns=(
            "id",
            "kind",
            "author",
            "created_at",
            "edited_at",
            "status",
            "protective_marking",
            "text",
            "reply_count",
        ),
        collect=disclosed_posts,
    )
)
register_disclosure(
    DisclosureKind(
        key="replies",
        label="Replies",
        columns=("id", "post_id", "author", "created_at", "edited_at", "status", "text"),
        collect=disclosed_replies,
    )
)
