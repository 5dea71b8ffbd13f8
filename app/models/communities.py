"""Communities, their members and requests or invitations to join."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.people import User

VISIBILITIES = ("public", "private", "secret")
COMMUNITY_ROLES = ("owner", "admin", "member")


class Community(Base):
    """A place to talk: public, private (listed, content members-only) or secret (unlisted)."""

    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(10), default="public", index=True)
    is_all_staff: Mapped[bool] = mapped_column(default=False)
    # Pre-moderation: posts and replies here wait for a moderator before readers see them.
    premoderated: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    # Posts written here serve this objective unless the author picks another.
    default_objective_id: Mapped[int | None] = mapped_column(ForeignKey("objectives.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]

    created_by: Mapped[User | None] = relationship()

    @property
    def is_archived(self) -> bool:
        """Archived communities are read-only."""
        return self.archived_at is not None


class Membership(Base):
    """A person's place in a community, with their community role."""

    __tablename__ = "memberships"
    __table_args__ = (Index("ix_memberships_user_community", "user_id", "community_id"),)

    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(10), default="member")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")
    community: Mapped[Community] = relationship()


class JoinRequest(Base):
    """Either a person asking to join (kind=request) or a community admin inviting one (invite)."""

    __tablename__ = "join_requests"
    __table_args__ = (
        # At most one open request or invitation per person and community.
        Index(
            "uq_join_requests_open",
            "community_id",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="request")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    message: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    community: Mapped[Community] = relationship(lazy="joined")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
