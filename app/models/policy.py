"""The acceptable-use policy: numbered clauses in versions, and who accepted which version when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.people import User

# Clause severity orders the moderators' queue: a report under a high-severity clause comes first.
SEVERITIES = {1: "Low", 2: "Medium", 3: "High"}


class PolicyVersion(Base):
    """One published version; a new version is a new row set, so old ones stay readable as they were."""

    __tablename__ = "policy_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")  # "what changed", shown when asking again
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    published_by: Mapped[User | None] = relationship()
    clauses: Mapped[list[PolicyClause]] = relationship(
        back_populates="version", order_by="PolicyClause.position", lazy="selectin"
    )


class PolicyClause(Base):
    """A numbered clause; `key` stays the same across versions so a new version can show what changed."""

    __tablename__ = "policy_clauses"
    __table_args__ = (
        UniqueConstraint("version_id", "key", name="uq_policy_clauses_version_key"),
        UniqueConstraint("version_id", "position", name="uq_policy_clauses_version_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("policy_versions.id"))
    position: Mapped[int]  # the clause number people see, from 1
    key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    severity: Mapped[int] = mapped_column(default=2)

    version: Mapped[PolicyVersion] = relationship(back_populates="clauses")

    @property
    def label(self) -> str:
        """The clause as listed: 3. Share with care."""
        return f"{self.position}. {self.title}"

    @property
    def reference(self) -> str:
        """The clause as a sentence names it: 3 (“Share with care”)."""
        return f"{self.position} (“{self.title}”)"


class PolicyAcceptance(Base):
    """A person accepted a version (who, which, when); exported by admins as CSV."""

    __tablename__ = "policy_acceptances"
    __table_args__ = (Index("ix_policy_acceptances_version_accepted", "version_id", "accepted_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("policy_versions.id"), primary_key=True)
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")
    version: Mapped[PolicyVersion] = relationship(lazy="joined")
