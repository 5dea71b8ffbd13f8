"""All models on one metadata; import from here."""

from app.models.audit import AuditEntry
from app.models.base import Base, UTCDateTime, utcnow
from app.models.communities import COMMUNITY_ROLES, VISIBILITIES, Community, JoinRequest, Membership
from app.models.events import Event, SocketConnection
from app.models.follows import ThreadFollow, TopicFollow, UserFollow
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
from app.models.proposals import (
    COUNTING_RULES,
    PROPOSAL_STAGES,
    SUGGESTION_STATUSES,
    Proposal,
    ProposalChannel,
    ProposalEndorsement,
    ProposalReviewDigest,
    ProposalSuggestion,
    ProposalVersion,
)
from app.models.tokens import TOKEN_SCOPES, ApiToken
from app.models.webhooks import DELIVERY_STATUSES, WebhookDelivery, WebhookEndpoint

__all__ = [
    "ApiToken",
    "COUNTING_RULES",
    "DELIVERY_STATUSES",
    "PROPOSAL_STAGES",
    "Proposal",
    "ProposalChannel",
    "ProposalEndorsement",
    "ProposalReviewDigest",
    "ProposalSuggestion",
    "ProposalVersion",
    "SUGGESTION_STATUSES",
    "WebhookDelivery",
    "WebhookEndpoint",
    "AuditEntry",
    "Base",
    "Event",
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
