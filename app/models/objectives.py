"""Organisational objectives that posts, links, sessions and updates can serve."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.people import User


class Objective(Base):
    """An objective in the admins' catalogue (e.g. "Public trust and confidence")."""

    __tablename__ = "objectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]

    owner: Mapped[User | None] = relationship(lazy="joined")

    def is_active_on(self, day: date) -> bool:
        """Whether the objective runs on this day (open-ended dates count as running)."""
        return (
            self.archived_at is None
            and (self.starts_on is None or self.starts_on <= day)
            and (self.ends_on is None or day <= self.ends_on)
        )


# What a target counts: tagged items, distinct people who saw them, or replies and reactions on them.
TARGET_METRICS = ("items", "people_reached", "engagement")


class ObjectiveTarget(Base):
    """A figure the admin wants celebrated when the objective passes it (e.g. 1,000 people reached)."""

    __tablename__ = "objective_targets"

    objective_id: Mapped[int] = mapped_column(
        ForeignKey("objectives.id", ondelete="CASCADE"), primary_key=True
    )
    metric: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int]
