"""All models on one metadata; import from here."""

from app.models.base import Base, UTCDateTime, utcnow
from app.models.communities import COMMUNITY_ROLES, VISIBILITIES, Community, JoinRequest, Membership
from app.models.notifications import Notification
from app.models.people import ROLES, STAFF_TYPES, Invitation, Setting, Unit, User

__all__ = [
    "Base",
    "COMMUNITY_ROLES",
    "Community",
    "Invitation",
    "JoinRequest",
    "Membership",
    "Notification",
    "ROLES",
    "STAFF_TYPES",
    "Setting",
    "Unit",
    "User",
    "UTCDateTime",
    "VISIBILITIES",
    "utcnow",
]
