"""Lunch-and-learn sessions: the session (riding on a Post), hosts, RSVPs, materials, the live Q&A,
feedback, reminder markers, personal calendar feed tokens and the "session host" grant."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.communities import Community
from app.models.people import User
from app.models.posts import Post

RSVP_STATUSES = ("going", "maybe", "cant", "waiting")
REMINDER_KINDS = ("day", "hour")


class LearningSession(Base):
    """A scheduled session; its description is the body of its Post (kind="session")."""

    __tablename__ = "learning_sessions"
    __table_args__ = (
        Index("ix_learning_sessions_starts_at_id", "starts_at", "id"),
        Index("ix_learning_sessions_community_starts", "community_id", "starts_at"),
        # The database itself refuses an overbooked session, whatever the code above it does.
        CheckConstraint("capacity IS NULL OR going_count <= capacity", name="within_capacity"),
        CheckConstraint("going_count >= 0", name="going_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    organiser_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int | None]
    # Seats taken; changed only by conditional UPDATEs (see app/learning/rsvps.py).
    going_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # iCalendar SEQUENCE: bumped whenever what a calendar shows changes.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    qa_opened_at: Mapped[datetime | None]
    qa_closed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[Post] = relationship(lazy="joined")
    community: Mapped[Community] = relationship(lazy="joined")
    organiser: Mapped[User] = relationship(lazy="joined")
    hosts: Mapped[list[User]] = relationship(secondary="session_hosts", lazy="selectin", order_by=User.name)

    @property
    def is_cancelled(self) -> bool:
        """Cancelled sessions stay visible (and in calendars, as cancelled)."""
        return self.cancelled_at is not None


class SessionHost(Base):
    """Who hosts a session (hosts manage it: attendees, materials, the Q&A, attendance)."""

    __tablename__ = "session_hosts"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("learning_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SessionRsvp(Base):
    """One person's answer: going, maybe, can't, or waiting (wanted to go when it was full)."""

    __tablename__ = "session_rsvps"
    __table_args__ = (
        Index("ix_session_rsvps_session_status", "session_id", "status", "waitlisted_at"),
        Index("ix_session_rsvps_user_status", "user_id", "status"),
    )

    session_id: Mapped[int] = mapped_column(
        ForeignKey("learning_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(8))
    waitlisted_at: Mapped[datetime | None]
    # Marked by a host afterwards: None until marked.
    attended: Mapped[bool | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class SessionMaterial(Base):
    """A link, or a file stored under MEDIA_DIR (file_key names it there)."""

    __tablename__ = "session_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("learning_sessions.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(500), default="")
    file_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(160), default="")
    content_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(default=0)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionQuestion(Base):
    """A question in a session's live Q&A; vote_count follows session_question_votes."""

    __tablename__ = "session_questions"
    __table_args__ = (Index("ix_session_questions_session_id", "session_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("learning_sessions.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    render_version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(10), default="visible")
    vote_count: Mapped[int] = mapped_column(default=0)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")


class SessionQuestionVote(Base):
    """One upvote per person per question."""

    __tablename__ = "session_question_votes"

    question_id: Mapped[int] = mapped_column(
        ForeignKey("session_questions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionFeedback(Base):
    """Afterwards: a rating and "one thing I'll apply"; one per person, editable."""

    __tablename__ = "session_feedback"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),)

    session_id: Mapped[int] = mapped_column(
        ForeignKey("learning_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    rating: Mapped[int]
    apply_text: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionReminder(Base):
    """A reminder that was sent: the unique key makes "exactly once" a database fact.

    starts_at is part of the key so a rescheduled session reminds again for its new time.
    """

    __tablename__ = "session_reminders"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id", "kind", "starts_at", name="uq_session_reminders_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("learning_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    starts_at: Mapped[datetime]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalendarToken(Base):
    """The secret in a person's calendar feed URL, stored hashed; regenerating replaces it."""

    __tablename__ = "calendar_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionHostGrant(Base):
    """The "session host" grant: lets someone without the comms or leader role schedule sessions."""

    __tablename__ = "session_host_grants"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
