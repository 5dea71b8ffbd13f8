"""Lunch-and-learn sessions: who schedules, who sees, who runs one. Used by pages, API, feeds and sockets."""

from sqlalchemy import Select, select

from app.extensions import db
from app.models import LearningSession, Post, SessionHost, SessionHostGrant, User
from app.permissions.communities import can_manage_community, can_see_content, visible_community_ids
from app.permissions.roles import has_role, is_admin

# Roles that schedule sessions without a grant (admins hold every role).
SCHEDULER_ROLES = ("comms", "leader")


def has_host_grant(user: User | None) -> bool:
    """Whether the person holds the "session host" grant."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return db.session.get(SessionHostGrant, user.id) is not None


def can_schedule_sessions(user: User | None) -> bool:
    """Comms officers, leaders, admins and people granted "session host"."""
    if not has_role(user, *SCHEDULER_ROLES):
        return bool(user is not None and getattr(user, "is_active", False) and has_host_grant(user))
    return True


def can_grant_session_hosts(user: User | None) -> bool:
    """Comms officers, leaders and admins decide who else may schedule sessions."""
    return has_role(user, *SCHEDULER_ROLES)


def is_session_host(user: User | None, session: LearningSession) -> bool:
    """The organiser or one of the named hosts."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if session.organiser_id == user.id:
        return True
    return db.session.get(SessionHost, (session.id, user.id)) is not None


def can_manage_session(user: User | None, session: LearningSession) -> bool:
    """Hosts (and the organiser) run a session; site admins may too. Everyone must still see it."""
    if not can_see_session(user, session):
        return False
    return is_admin(user) or is_session_host(user, session)


def can_see_session(user: User | None, session: LearningSession) -> bool:
    """Readers of the audience community see a session while its post is visible; a held or hidden
    post only its author and moderators (as for any post); a removed one nobody."""
    if not can_see_content(user, session.community):
        return False
    status = session.post.status
    if status == "visible":
        return True
    if status in ("held", "hidden"):
        return session.post.author_id == user.id or (
            has_role(user, "moderator") or can_manage_community(user, session.community)
        )
    return False


def visible_sessions(user: User) -> Select[tuple[LearningSession]]:
    """Sessions the person may see in lists, feeds and calendars (membership checked now)."""
    return (
        select(LearningSession)
        .join(Post, Post.id == LearningSession.post_id)
        .where(Post.status == "visible", LearningSession.community_id.in_(visible_community_ids(user)))
    )
