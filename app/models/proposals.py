"""Proposals for public channels: the channels, the proposals, their versions, buy-in and suggestions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.communities import Community
from app.models.objectives import Objective
from app.models.people import User
from app.models.posts import Post

# idea -> review -> approved -> scheduled -> published, or declined (with a reason), or withdrawn.
PROPOSAL_STAGES = ("idea", "review", "approved", "scheduled", "published", "declined", "withdrawn")
# How a channel counts length: plain characters, or X's weighted rule (twitter-text config v3).
COUNTING_RULES = ("characters", "x_weighted")
SUGGESTION_STATUSES = ("open", "accepted", "dismissed")


class ProposalChannel(Base):
    """A public channel proposals are written for, with its length limit and notes (admins edit)."""

    __tablename__ = "proposal_channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    # None: no limit beyond the longest draft Rollcall keeps (press releases, web pages).
    char_limit: Mapped[int | None]
    counting: Mapped[str] = mapped_column(String(20), default="characters")
    notes: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]


class Proposal(Base):
    """Content proposed for a public channel, carried by a Post of kind "proposal" for its thread.

    Who may see it is who may read `community` (All staff unless the proposer chose a community).
    """

    __tablename__ = "proposals"
    __table_args__ = (
        Index("ix_proposals_stage_id", "stage", "id"),
        Index("ix_proposals_community_stage", "community_id", "stage", "id"),
        Index("ix_proposals_objective_published", "objective_id", "published_at"),
        Index("ix_proposals_published_at", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    proposer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("proposal_channels.id"), index=True)
    # The staff post the idea came from, if any.
    source_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="SET NULL"), index=True
    )
    objective_id: Mapped[int | None] = mapped_column(ForeignKey("objectives.id", ondelete="SET NULL"))
    draft: Mapped[str] = mapped_column(Text)
    has_image: Mapped[bool] = mapped_column(default=False)
    alt_text: Mapped[str] = mapped_column(Text, default="")
    why: Mapped[str] = mapped_column(Text)
    reputation_worst: Mapped[str] = mapped_column(Text)
    reputation_record: Mapped[str] = mapped_column(Text)
    sensitive: Mapped[bool] = mapped_column(default=False)
    stage: Mapped[str] = mapped_column(String(12), default="idea")
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    # Every change makes a version; draft_version is the latest one that changed what goes public
    # (channel, text, image, alt text, objective, the case for it).
    version: Mapped[int] = mapped_column(default=1)
    draft_version: Mapped[int] = mapped_column(default=1)
    # A leader's sign-off holds for the draft they read; an edit after it needs a new one.
    signoff_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signoff_version: Mapped[int | None]
    signoff_at: Mapped[datetime | None]
    scheduled_for: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    public_url: Mapped[str] = mapped_column(String(500), default="")
    reach: Mapped[int | None] = mapped_column(BigInteger)
    engagements: Mapped[int | None] = mapped_column(BigInteger)
    results_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    stage_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[Post] = relationship(foreign_keys=[post_id])
    community: Mapped[Community] = relationship(lazy="joined")
    proposer: Mapped[User] = relationship(foreign_keys=[proposer_id], lazy="joined")
    channel: Mapped[ProposalChannel] = relationship(lazy="joined")
    objective: Mapped[Objective | None] = relationship(lazy="joined")
    source_post: Mapped[Post | None] = relationship(foreign_keys=[source_post_id])
    signoff_by: Mapped[User | None] = relationship(foreign_keys=[signoff_by_id])

    @property
    def signed_off(self) -> bool:
        """Whether a leader has signed off the current draft."""
        return (
            self.signoff_by_id is not None
            and self.signoff_version is not None
            and self.signoff_version >= self.draft_version
        )


class ProposalVersion(Base):
    """Every change to a proposal: who made it, what changed, and the whole proposal after it."""

    __tablename__ = "proposal_versions"
    __table_args__ = (UniqueConstraint("proposal_id", "number", name="uq_proposal_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    number: Mapped[int]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    summary: Mapped[str] = mapped_column(String(200))
    changed: Mapped[list] = mapped_column(JSON, default=list)
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="joined")


class ProposalEndorsement(Base):
    """One person's support for a proposal (one each, withdrawable)."""

    __tablename__ = "proposal_endorsements"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # The draft version they read when they endorsed (it may have changed since).
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class ProposalSuggestion(Base):
    """A suggested replacement for a span of the draft (or all of it); the proposer accepts or dismisses."""

    __tablename__ = "proposal_suggestions"
    __table_args__ = (Index("ix_proposal_suggestions_proposal_status", "proposal_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    base_version: Mapped[int]
    # The span [start, end) of the draft as it was at base_version, and what it said then.
    start: Mapped[int]
    end: Mapped[int]
    original: Mapped[str] = mapped_column(Text)
    replacement: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")


class ProposalReviewDigest(Base):
    """The weekly "ready for review" list, one row per ISO week, so comms are told once a week."""

    __tablename__ = "proposal_review_digests"

    week: Mapped[str] = mapped_column(String(10), primary_key=True)  # e.g. "2026-W49"
    proposal_count: Mapped[int] = mapped_column(default=0)
    recipient_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
