"""Who sees the insight dashboard: leaders, comms officers and admins (members get 403)."""

from app.models import User
from app.permissions.roles import has_role


def can_see_insights(user: User | None) -> bool:
    """Leaders, comms officers and admins read the adoption and objectives dashboard."""
    return has_role(user, "leader", "comms")
