"""All models on one metadata; import from here."""

from app.models.audit import AuditEntry
from app.models.base import Base, UTCDateTime, utcnow
from app.models.communities import COMMUNITY_ROLES, VISIBILITIES, Community, JoinRequest, Membership
from app.models.events import Event, SocketConnection
from app.models.follows import ThreadFollow, TopicFollow, UserFollow
from app.models.mail import MAIL_STATUSES, OutgoingEmail
from app.models.notification_settings import NotificationSettings
from app.models.notifications import Notification
from app.models.objectives import Objective
from app.models.people import ROLES, STAFF_TYPES, Invitation, Setting, Unit, User
from app.models.posts import (
    POST_KINDS,
    POST_STATUSES,
    REACTION_KINDS,
    Post,
    PostTopic,
    Reaction,
    Reply,
    Revision,
    Topic,
)
from app.models.tokens import TOKEN_SCOPES, ApiToken

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Base",
    "Event",
    "MAIL_STATUSES",
    "NotificationSettings",
    "POST_KINDS",
    "POST_STATUSES",
    "Post",
    "PostTopic",
    "REACTION_KINDS",
    "Reaction",
    "Reply",
    "Revision",
    "TOKEN_SCOPES",
    "ThreadFollow",
    "Topic",
    "TopicFollow",
    "UserFollow",
    "COMMUNITY_ROLES",
    "Community",
    "Invitation",
    "JoinRequest",
    "Membership",
    "Notification",
    "Objective",
    "OutgoingEmail",
    "ROLES",
    "STAFF_TYPES",
    "Setting",
    "SocketConnection",
    "Unit",
    "User",
    "UTCDateTime",
    "VISIBILITIES",
    "utcnow",
]
