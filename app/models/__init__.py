"""All models on one metadata; import from here."""

from app.models.audit import AuditEntry
from app.models.base import Base, UTCDateTime, utcnow
from app.models.communities import COMMUNITY_ROLES, VISIBILITIES, Community, JoinRequest, Membership
from app.models.events import Event, SocketConnection
from app.models.follows import ThreadFollow, TopicFollow, UserFollow
from app.models.identity import SsoIdentity
from app.models.learning import (
    REMINDER_KINDS,
    RSVP_STATUSES,
    CalendarToken,
    LearningSession,
    QuestionVote,
    SessionFeedback,
    SessionHost,
    SessionHostGrant,
    SessionMaterial,
    SessionQuestion,
    SessionReminder,
    SessionRsvp,
)
from app.models.links import PREVIEW_STATUSES, CuratedLink, CuratorGrant, LinkClick, LinkPreview, LinkSave
from app.models.moderation import (
    APPEAL_STATUSES,
    CASE_STATUSES,
    INTENTS,
    TARGET_TYPES,
    Appeal,
    Decision,
    ExplanationTemplate,
    ModerationCase,
    PostingRestriction,
    Report,
    Strike,
    WatchedWord,
)
from app.models.notification_settings import NotificationSettings
from app.models.notifications import Notification
from app.models.objectives import Objective
from app.models.people import ROLES, STAFF_TYPES, Invitation, Setting, Unit, User
from app.models.policy import SEVERITIES, PolicyAcceptance, PolicyClause, PolicyVersion
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
from app.models.security import LoginThrottle
from app.models.tokens import TOKEN_SCOPES, ApiToken

__all__ = [
    "APPEAL_STATUSES",
    "Appeal",
    "CASE_STATUSES",
    "Decision",
    "ExplanationTemplate",
    "INTENTS",
    "ModerationCase",
    "PolicyAcceptance",
    "PolicyClause",
    "PolicyVersion",
    "PostingRestriction",
    "Report",
    "SEVERITIES",
    "Strike",
    "TARGET_TYPES",
    "WatchedWord",
    "ApiToken",
    "AuditEntry",
    "Base",
    "CalendarToken",
    "Event",
    "LearningSession",
    "CuratedLink",
    "CuratorGrant",
    "Event",
    "LinkClick",
    "LinkPreview",
    "LinkSave",
    "NotificationSettings",
    "POST_KINDS",
    "PREVIEW_STATUSES",
    "POST_STATUSES",
    "Post",
    "PostTopic",
    "QuestionVote",
    "REACTION_KINDS",
    "REMINDER_KINDS",
    "RSVP_STATUSES",
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
    "LoginThrottle",
    "Membership",
    "Notification",
    "Objective",
    "ROLES",
    "STAFF_TYPES",
    "SessionFeedback",
    "SessionHost",
    "SessionHostGrant",
    "SessionMaterial",
    "SessionQuestion",
    "SessionReminder",
    "SessionRsvp",
    "Setting",
    "SocketConnection",
    "SsoIdentity",
    "Unit",
    "User",
    "UTCDateTime",
    "VISIBILITIES",
    "utcnow",
]
