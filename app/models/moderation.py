"""Moderation: cases in the queue, reports, decisions with explanations, appeals, strikes,
posting restrictions, explanation templates and watched words."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.communities import Community
from app.models.people import User
from app.models.policy import PolicyClause
from app.models.posts import Post, Reply

CASE_STATUSES = ("new", "in_review", "decided")
# A case opens because someone reported the item, or because pre-moderation held it.
CASE_SOURCES = ("report", "held")
TARGET_TYPES = ("post", "reply", "user")
# no_breach: within the policy (a held item is approved); the other three follow the 90/10 rule.
INTENTS = ("no_breach", "honest_mistake", "needs_change", "serious")
APPEAL_STATUSES = ("open", "upheld", "overturned")


class ModerationCase(Base):
    """One item under review: every report about it while it is open, then the decision."""

    __tablename__ = "moderation_cases"
    __table_args__ = (
        Index("ix_moderation_cases_queue", "status", "severity", "id"),
        Index("ix_moderation_cases_target_key", "target_key"),
        # At most one open case per item: a second report joins the first one's case.
        Index(
            "uq_moderation_cases_open_target",
            "target_key",
            unique=True,
            sqlite_where=text("status != 'decided'"),
            postgresql_where=text("status != 'decided'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(10))
    target_key: Mapped[str] = mapped_column(String(30))  # "post:12", "reply:5", "user:3"
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), index=True)  # a reply's thread too
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("replies.id"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # a reported profile
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # whose content it is
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    source: Mapped[str] = mapped_column(String(10), default="report")
    hold_reason: Mapped[str] = mapped_column(String(300), default="")
    severity: Mapped[int] = mapped_column(default=2)
    status: Mapped[str] = mapped_column(String(12), default="new")
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    claimed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    post: Mapped[Post | None] = relationship(lazy="joined")
    reply: Mapped[Reply | None] = relationship(lazy="joined")
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])
    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")
    community: Mapped[Community | None] = relationship()
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id], lazy="joined")
    reports: Mapped[list[Report]] = relationship(back_populates="case", order_by="Report.id")
    decisions: Mapped[list[Decision]] = relationship(back_populates="case", order_by="Decision.id")


class Report(Base):
    """Someone reported an item under a policy clause (or "other", with their words)."""

    __tablename__ = "reports"
    # A person reports an item once, ever (a friendly message says so).
    __table_args__ = (UniqueConstraint("reporter_id", "target_key", name="uq_reports_reporter_target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("moderation_cases.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    target_key: Mapped[str] = mapped_column(String(30))
    clause_id: Mapped[int | None] = mapped_column(ForeignKey("policy_clauses.id"), index=True)
    details: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[ModerationCase] = relationship(back_populates="reports")
    reporter: Mapped[User] = relationship(lazy="joined")
    clause: Mapped[PolicyClause | None] = relationship(lazy="joined")


class ExplanationTemplate(Base):
    """A starting text for a decision, linked to a clause by its key (so it outlives policy versions)."""

    __tablename__ = "explanation_templates"
    __table_args__ = (Index("ix_explanation_templates_clause_key", "clause_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clause_key: Mapped[str | None] = mapped_column(String(40))  # None: fits any clause
    intent: Mapped[str | None] = mapped_column(String(16))  # None: fits any intent
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]


class Decision(Base):
    """A moderator's decision on a case, with the explanation the author always receives."""

    __tablename__ = "moderation_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("moderation_cases.id"), index=True)
    moderator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    intent: Mapped[str] = mapped_column(String(16))
    clause_id: Mapped[int | None] = mapped_column(ForeignKey("policy_clauses.id"))
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("explanation_templates.id", ondelete="SET NULL")
    )
    explanation: Mapped[str] = mapped_column(Text, default="")
    # The item's status before the decision, so an appeal that overturns it can put it back.
    previous_status: Mapped[str] = mapped_column(String(10), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[ModerationCase] = relationship(back_populates="decisions", lazy="joined")
    moderator: Mapped[User] = relationship(lazy="joined")
    clause: Mapped[PolicyClause | None] = relationship(lazy="joined")
    appeal: Mapped[Appeal | None] = relationship(back_populates="decision", lazy="joined")


class Appeal(Base):
    """The author's one appeal against a decision, decided by a different moderator."""

    __tablename__ = "moderation_appeals"
    __table_args__ = (Index("ix_moderation_appeals_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("moderation_decisions.id"), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="open")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    response: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    decision: Mapped[Decision] = relationship(back_populates="appeal")
    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class Strike(Base):
    """Recorded by a deliberate or serious decision; voided if an appeal overturns it."""

    __tablename__ = "strikes"
    __table_args__ = (Index("ix_strikes_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision_id: Mapped[int] = mapped_column(ForeignKey("moderation_decisions.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    voided_at: Mapped[datetime | None]


class PostingRestriction(Base):
    """A period in which a person can't post or reply, applied by a moderator."""

    __tablename__ = "posting_restrictions"
    __table_args__ = (Index("ix_posting_restrictions_user_ends", "user_id", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_decisions.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])


class WatchedWord(Base):
    """A word or phrase that holds a post or reply for review (whole word, any case)."""

    __tablename__ = "watched_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(60), unique=True)  # stored lower-case
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
