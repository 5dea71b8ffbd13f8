"""Insight data: raw post views, the daily roll-ups the dashboard reads, the HR establishment, milestones.

The dashboard reads only the roll-ups (the *_days and *_weeks tables and objective_viewers), never
post_views, so its cost does not grow with how often people scroll.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class PostView(Base):
    """A person saw a post on screen on a day (one row per person, post and day, whatever the scrolling)."""

    __tablename__ = "post_views"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class PostViewDay(Base):
    """Distinct people who saw a post on a day (rolled up from post_views)."""

    __tablename__ = "post_view_days"
    __table_args__ = (Index("ix_post_view_days_post", "post_id", "day"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    viewers: Mapped[int]


class PersonDay(Base):
    """What one person did on a day: posts, replies, reactions given, posts seen."""

    __tablename__ = "person_days"
    __table_args__ = (Index("ix_person_days_user", "user_id", "day"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    week: Mapped[date] = mapped_column(Date)  # the Monday, so weeks group the same on every database
    posts: Mapped[int] = mapped_column(default=0)
    replies: Mapped[int] = mapped_column(default=0)
    reactions: Mapped[int] = mapped_column(default=0)
    views: Mapped[int] = mapped_column(default=0)


class CommunityDay(Base):
    """A community's day: posts, replies and reactions in it, and distinct people active in it."""

    __tablename__ = "community_days"
    __table_args__ = (Index("ix_community_days_community", "community_id", "day"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True
    )
    week: Mapped[date] = mapped_column(Date)
    posts: Mapped[int] = mapped_column(default=0)
    replies: Mapped[int] = mapped_column(default=0)
    reactions: Mapped[int] = mapped_column(default=0)
    active_people: Mapped[int] = mapped_column(default=0)


class ObjectiveDay(Base):
    """An objective's day: items tagged, replies and reactions on them, distinct people who saw them,
    and click-throughs on its curated links."""

    __tablename__ = "objective_days"
    __table_args__ = (Index("ix_objective_days_objective", "objective_id", "day"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    objective_id: Mapped[int] = mapped_column(
        ForeignKey("objectives.id", ondelete="CASCADE"), primary_key=True
    )
    week: Mapped[date] = mapped_column(Date)
    items: Mapped[int] = mapped_column(default=0)
    replies: Mapped[int] = mapped_column(default=0)
    reactions: Mapped[int] = mapped_column(default=0)
    viewers: Mapped[int] = mapped_column(default=0)
    link_clicks: Mapped[int] = mapped_column(default=0, server_default="0")


class ObjectiveViewer(Base):
    """A person saw something tagged with an objective in a week: distinct "people reached" over weeks."""

    __tablename__ = "objective_viewers"
    __table_args__ = (Index("ix_objective_viewers_objective", "objective_id", "week", "user_id"),)

    week: Mapped[date] = mapped_column(Date, primary_key=True)
    objective_id: Mapped[int] = mapped_column(
        ForeignKey("objectives.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class PersonWeek(Base):
    """What one person did in a week (Monday to Sunday): person_days summed, for weekly figures."""

    __tablename__ = "person_weeks"

    week: Mapped[date] = mapped_column(Date, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    posts: Mapped[int] = mapped_column(default=0)
    replies: Mapped[int] = mapped_column(default=0)
    reactions: Mapped[int] = mapped_column(default=0)
    views: Mapped[int] = mapped_column(default=0)


class ContributionDay(Base):
    """Posts and replies a person wrote in a community on a day (leadership updates and celebrations
    aside): top contributors, counted only in communities the dashboard's viewer can read."""

    __tablename__ = "contribution_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    posts: Mapped[int] = mapped_column(default=0)
    replies: Mapped[int] = mapped_column(default=0)


class Establishment(Base):
    """The HR establishment: how many posts (people) a unit has of a staff type, as last imported."""

    __tablename__ = "establishment"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    staff_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    headcount: Mapped[int]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class RollupState(Base):
    """Where the roll-up job has got to (e.g. "rolled_up_at")."""

    __tablename__ = "rollup_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    at: Mapped[datetime]


class Milestone(Base):
    """A milestone celebrated once: `key` names it (e.g. "community:7:members:100")."""

    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    objective_id: Mapped[int | None] = mapped_column(ForeignKey("objectives.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(20))
    threshold: Mapped[int]
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    reached_at: Mapped[datetime] = mapped_column(default=utcnow)
