"""Information governance: retention rules, legal holds, data exports and sensitive-content confirmations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.communities import Community
from app.models.people import User

RETENTION_ACTIONS = ("delete", "anonymise")
RETENTION_UNITS = ("days", "months", "years")
EXPORT_KINDS = ("subject_access", "disclosure")
EXPORT_STATUSES = ("pending", "building", "ready", "failed", "expired")


class RetentionRule(Base):
    """How long one kind of record (a key in app.governance.registry) is kept, and what expiry does."""

    __tablename__ = "retention_rules"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    # "6 years": records older than that are removed or anonymised. None: kept until a period is set.
    keep_amount: Mapped[int | None]
    keep_unit: Mapped[str] = mapped_column(String(10), default="years")
    action: Mapped[str] = mapped_column(String(10), default="delete")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LegalHold(Base):
    """Nothing it covers is removed or anonymised until it is lifted.

    A hold names a person, a community, a date range, or any combination (all must match): "everything
    Sam wrote in Response between March and May".
    """

    __tablename__ = "legal_holds"
    __table_args__ = (Index("ix_legal_holds_lifted_at_id", "lifted_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    # Records created at or after starts_at and before ends_at (either may be open).
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lift_reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="joined")
    community: Mapped[Community | None] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id], lazy="joined")
    lifted_by: Mapped[User | None] = relationship(foreign_keys=[lifted_by_id], lazy="joined")

    @property
    def is_active(self) -> bool:
        """True until the hold is lifted."""
        return self.lifted_at is None


class DataExport(Base):
    """A zip of what Rollcall holds about a person (subject access) or in a community (disclosure).

    Only the person who asked for it may download it, until expires_at; the file then goes.
    """

    __tablename__ = "data_exports"
    __table_args__ = (
        Index("ix_data_exports_requested_by_id_id", "requested_by_id", "id"),
        Index("ix_data_exports_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    # The request's reference (an FOI or subject access case number), for admins' exports.
    reference: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    file_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(default=0)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    ready_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    downloaded_at: Mapped[datetime | None]

    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id], lazy="joined")
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id], lazy="joined")
    community: Mapped[Community | None] = relationship(lazy="joined")


class SensitiveConfirmation(Base):
    """An author saw a sensitive-content warning and published anyway: who, which pattern, which item."""

    __tablename__ = "sensitive_confirmations"
    __table_args__ = (
        Index("ix_sensitive_confirmations_item", "item_type", "item_id"),
        Index("ix_sensitive_confirmations_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    item_type: Mapped[str] = mapped_column(String(10))  # "post" (link posts too) or "reply"
    item_id: Mapped[int]
    pattern: Mapped[str] = mapped_column(String(40))
    # How many matches; the matched text itself isn't copied here (it may be the sensitive part).
    matches: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")
