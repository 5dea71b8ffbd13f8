"""What a case is about (a post, a reply or a profile), and opening one case per item."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.errors import NotFound
from app.extensions import db
from app.forms import MAX_ID
from app.models import TARGET_TYPES, ModerationCase, Post, Reply, User
from app.permissions import can_handle_case
from app.posts.replies import can_see_reply
from app.posts.services import can_see_post


@dataclass
class Target:
    """The item a report or a hold is about."""

    type: str
    id: int
    author: User
    post: Post | None = None
    reply: Reply | None = None
    subject: User | None = None

    @property
    def key(self) -> str:
        """ "post:12": one report per person per key, one open case per key."""
        return f"{self.type}:{self.id}"

    @property
    def community_id(self) -> int | None:
        """The community the item is in (None for a profile)."""
        return self.post.community_id if self.post is not None else None

    @property
    def status(self) -> str:
        """The item's status (profiles are always "visible")."""
        item = self.reply or self.post
        return item.status if item is not None else "visible"


def post_target(post: Post) -> Target:
    """A post as a target."""
    return Target("post", post.id, post.author, post=post)


def reply_target(reply: Reply) -> Target:
    """A reply as a target (its post gives the thread and the community)."""
    return Target("reply", reply.id, reply.author, post=reply.post, reply=reply)


def profile_target(user: User) -> Target:
    """A person's profile as a target."""
    return Target("user", user.id, user, subject=user)


def case_target(case: ModerationCase) -> Target:
    """What a case is about."""
    if case.target_type == "reply":
        return reply_target(case.reply)
    if case.target_type == "post":
        return post_target(case.post)
    return profile_target(case.author)


def resolve_target(viewer: User, target_type: str, target_id: int | None) -> Target:
    """The item the person wants to report, if it exists and they may see it; NotFound otherwise."""
    if target_type not in TARGET_TYPES or target_id is None or not 0 < target_id <= MAX_ID:
        raise NotFound("We couldn't find that.")
    if target_type == "post":
        post = db.session.get(Post, target_id)
        if post is not None and can_see_post(viewer, post):
            return post_target(post)
    elif target_type == "reply":
        reply = db.session.get(Reply, target_id)
        if reply is not None and can_see_reply(viewer, reply):
            return reply_target(reply)
    else:
        user = db.session.get(User, target_id)
        if user is not None and user.email_confirmed_at is not None:
            return profile_target(user)
    raise NotFound("We couldn't find that.")


def _open_for(key: str) -> ModerationCase | None:
    return db.session.scalar(
        select(ModerationCase).where(ModerationCase.target_key == key, ModerationCase.status != "decided")
    )


def open_case(target: Target, source: str, severity: int, hold_reason: str = "") -> ModerationCase:
    """The item's open case, or a new one; a higher severity raises the case's place in the queue."""
    case = _open_for(target.key)
    if case is None:
        case = ModerationCase(
            target_type=target.type,
            target_key=target.key,
            post_id=target.post.id if target.post else None,
            reply_id=target.reply.id if target.reply else None,
            subject_id=target.subject.id if target.subject else None,
            author_id=target.author.id,
            community_id=target.community_id,
            source=source,
            hold_reason=hold_reason,
            severity=severity,
        )
        try:
            with db.session.begin_nested():  # two first reports at once: the unique index decides
                db.session.add(case)
        except IntegrityError:
            case = _open_for(target.key)
            if case is None:
                raise
    case.severity = max(case.severity, severity)
    if hold_reason and not case.hold_reason:
        case.hold_reason = hold_reason
    db.session.flush()
    return case


def get_case(moderator: User, case_id: int) -> ModerationCase:
    """A case the moderator may handle; NotFound otherwise (never says it exists)."""
    case = db.session.get(ModerationCase, case_id) if 0 < case_id <= MAX_ID else None
    if case is None or not can_handle_case(moderator, case):
        raise NotFound("We couldn't find that case.")
    return case
