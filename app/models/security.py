"""Sign-in throttling: failed attempts per email address, whether or not an account has it."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class LoginThrottle(Base):
    """Recent failed sign-ins for one (normalised) email; locked_until ends a temporary lockout.

    Keyed by the address typed, not the account, so a locked-out answer looks the same for an email
    that has no account: the lockout reveals nothing about who works here.
    """

    __tablename__ = "login_throttles"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_failed_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
