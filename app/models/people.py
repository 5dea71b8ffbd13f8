"""People, their units and their personal settings."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow

ROLES = ("member", "comms", "leader", "moderator", "admin")
STAFF_TYPES = ("sworn", "civilian", "volunteer", "contractor")


class Unit(Base):
    """An organisational unit (matched later against the HR headcount)."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], lazy="joined", join_depth=1)


class User(UserMixin, Base):
    """A person with an account; deactivated leavers keep their rows and their content."""

    __tablename__ = "users"
    __table_args__ = (Index("ix_users_active_name", "deactivated_at", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # The @handle used in mentions, from the email's local part (unique).
    handle: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    job_title: Mapped[str] = mapped_column(String(120), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    staff_type: Mapped[str] = mapped_column(String(20), default="civilian")
    bio: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(String(20), default="member")
    email_confirmed_at: Mapped[datetime | None]
    deactivated_at: Mapped[datetime | None]
    # Set when an erasure request was carried out (the row stays, emptied, so nothing dangles), and on
    # the placeholder accounts anonymised content is credited to.
    erased_at: Mapped[datetime | None]
    # Bumped by "sign out everywhere" and password changes: every older session stops matching.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None]

    unit: Mapped[Unit | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses inactive users: deactivated or not yet confirmed."""
        return self.deactivated_at is None and self.email_confirmed_at is not None

    @property
    def is_deactivated(self) -> bool:
        """True for leavers."""
        return self.deactivated_at is not None

    @property
    def is_erased(self) -> bool:
        """True for erased people and the placeholder accounts: shown by name only, never linked."""
        return self.erased_at is not None

    def get_id(self) -> str:
        """Session identity includes the version so old sessions die when it changes."""
        return f"{self.id}:{self.session_version}"

    @property
    def initials(self) -> str:
        """Up to two initials for the avatar."""
        parts = [p for p in self.name.split() if p[:1].isalpha()]
        if not parts:
            return "?"
        return (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")).upper()

    @property
    def avatar_colour(self) -> int:
        """A stable colour slot (0-7) for the initials avatar."""
        return self.id % 8

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Invitation(Base):
    """An admin's invitation; the emailed link is a signed, expiring token naming this row."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20), default="member")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
    unit: Mapped[Unit | None] = relationship()


class Setting(Base):
    """A site-wide setting that admins change in the browser."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
