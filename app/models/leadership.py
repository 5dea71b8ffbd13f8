"""Leadership voice: vision updates (a Post of kind "update"), their audiences and receipts, questions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.people import User
from app.models.posts import Post


class Update(Base):
    """A leader's vision update. Its post lives in All staff; the audience rule narrows who sees it."""

    __tablename__ = "updates"
    __table_args__ = (Index("ix_updates_leader_id", "leader_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    # The leader it speaks for (the post's author) and who pressed Publish (a comms officer, or the leader).
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    everyone: Mapped[bool] = mapped_column(default=True)
    ack_required: Mapped[bool] = mapped_column(default=False)
    reminded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[Post] = relationship(lazy="joined")
    leader: Mapped[User] = relationship(foreign_keys=[leader_id], lazy="joined")
    posted_by: Mapped[User | None] = relationship(foreign_keys=[posted_by_id], lazy="joined")


class UpdateCommunity(Base):
    """A community whose members are in an update's audience."""

    __tablename__ = "update_communities"
    __table_args__ = (Index("ix_update_communities_community", "community_id", "update_id"),)

    update_id: Mapped[int] = mapped_column(ForeignKey("updates.id", ondelete="CASCADE"), primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True
    )


class UpdateUnit(Base):
    """A unit (with every unit inside it) whose people are in an update's audience."""

    __tablename__ = "update_units"
    __table_args__ = (Index("ix_update_units_unit", "unit_id", "update_id"),)

    update_id: Mapped[int] = mapped_column(ForeignKey("updates.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)


class UpdateReceipt(Base):
    """One recipient of an update: written for the audience at publishing, and for anyone who sees it later."""

    __tablename__ = "update_receipts"
    __table_args__ = (Index("ix_update_receipts_user", "user_id", "acknowledged_at"),)

    update_id: Mapped[int] = mapped_column(ForeignKey("updates.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    seen_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    # Set by the job that emails reminders, so a reminder is emailed once even across restarts.
    reminder_emailed_at: Mapped[datetime | None]


class Question(Base):
    """A question to a leader. An anonymous asker is hidden from everyone but themselves and admins."""

    __tablename__ = "questions"
    __table_args__ = (
        Index("ix_questions_status_id", "status", "id"),
        Index("ix_questions_leader_id", "leader_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    asker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    anonymous: Mapped[bool] = mapped_column(default=False)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    render_version: Mapped[int] = mapped_column(default=1)
    # visible, or removed by a moderator
    status: Mapped[str] = mapped_column(String(10), default="visible")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer_source: Mapped[str | None] = mapped_column(Text)
    answer_html: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]

    leader: Mapped[User] = relationship(foreign_keys=[leader_id], lazy="joined")
    asker: Mapped[User] = relationship(foreign_keys=[asker_id], lazy="joined")


class QuestionVote(Base):
    """One upvote per person per question."""

    __tablename__ = "question_votes"

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
