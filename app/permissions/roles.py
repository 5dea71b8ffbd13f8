"""Global roles: admin can do everything; other roles add abilities to a member."""

from app.models import User


def has_role(user: User | None, *roles: str) -> bool:
    """True if the person is active and holds one of the roles (admins hold every role)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role == "admin" or user.role in roles


def is_admin(user: User | None) -> bool:
    """True for active admins."""
    return has_role(user, "admin")
