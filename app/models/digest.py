"""The email digest: each person's preferences, what was sent to whom, comms' pins and each run."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.posts import Post

DIGEST_FREQUENCIES = ("off", "daily", "weekly")
DIGEST_SECTIONS = ("editorial", "updates", "sessions", "conversations")


class DigestPreference(Base):
    """How often a person wants the digest and which of their communities it leaves out."""

    __tablename__ = "digest_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    frequency: Mapped[str] = mapped_column(String(10), default="off")
    muted_community_ids: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DigestSend(Base):
    """One person's digest for one period: written with its outbox message, so it is sent once."""

    __tablename__ = "digest_sends"
    __table_args__ = (UniqueConstraint("user_id", "period_key", name="uq_digest_sends_user_id_period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    # "weekly:2026-W49" or "daily:2026-12-01", in the organisation's time zone.
    period_key: Mapped[str] = mapped_column(String(30))
    email_id: Mapped[int | None] = mapped_column(ForeignKey("outgoing_emails.id", ondelete="SET NULL"))
    item_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DigestItem(Base):
    """A post (link, session, update or conversation) that went to a person in a digest: never twice."""

    __tablename__ = "digest_items"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    send_id: Mapped[int] = mapped_column(ForeignKey("digest_sends.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(20))


class DigestPin(Base):
    """A post or curated link comms put in the editorial slot of the coming digests, until it expires."""

    __tablename__ = "digest_pins"
    __table_args__ = (Index("ix_digest_pins_expires_at", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    pinned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    post: Mapped[Post] = relationship(lazy="joined", innerjoin=True)


class DigestRun(Base):
    """A period's run: finished once every opted-in person has been considered (the job skips it then)."""

    __tablename__ = "digest_runs"

    period_key: Mapped[str] = mapped_column(String(30), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    sent: Mapped[int] = mapped_column(default=0)
