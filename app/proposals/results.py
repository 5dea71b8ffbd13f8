"""Internal buy-in beside public results, per objective: the service the insight dashboard reads."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Objective, Proposal
from app.proposals.buyin import counts_for


@dataclass
class PublishedResult:
    """One published proposal: its internal buy-in and what happened in public."""

    proposal_id: int
    channel: str
    published_at: datetime
    endorsements: int
    leader_endorsed: bool
    reach: int | None
    engagements: int | None


@dataclass
class ObjectiveResults:
    """Published proposals serving one objective (None: no objective chosen), with totals."""

    objective_id: int | None
    objective_name: str
    proposals: list[PublishedResult] = field(default_factory=list)

    @property
    def published(self) -> int:
        """How many were published."""
        return len(self.proposals)

    @property
    def endorsements(self) -> int:
        """Endorsements across them, before they went public."""
        return sum(p.endorsements for p in self.proposals)

    @property
    def leader_endorsed(self) -> int:
        """How many a leader endorsed."""
        return sum(1 for p in self.proposals if p.leader_endorsed)

    @property
    def with_results(self) -> int:
        """How many have public results recorded."""
        return sum(1 for p in self.proposals if p.reach is not None or p.engagements is not None)

    @property
    def reach(self) -> int:
        """Total recorded reach."""
        return sum(p.reach or 0 for p in self.proposals)

    @property
    def engagements(self) -> int:
        """Total recorded engagements."""
        return sum(p.engagements or 0 for p in self.proposals)

    @property
    def engagement_rate(self) -> float | None:
        """Engagements per person reached, where reach was recorded."""
        return self.engagements / self.reach if self.reach else None


def _start(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time.min, tzinfo=UTC)


def _end(value: date | datetime) -> datetime:
    """A date is inclusive (up to the end of that day); a datetime is exclusive."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value + timedelta(days=1), time.min, tzinfo=UTC)


def results_by_objective(start: date | datetime, end: date | datetime) -> list[ObjectiveResults]:
    """Proposals published in [start, end], grouped by objective, with buy-in and public results.

    Dates are whole UTC days (both ends included); datetimes are [start, end). Figures only, no text,
    so restricted proposals are counted too: the dashboard shows numbers, never what they said.
    Three queries whatever the range. Objectives are ordered by name; "No objective" comes last.
    """
    rows = list(
        db.session.scalars(
            select(Proposal)
            .where(
                Proposal.stage == "published",
                Proposal.published_at >= _start(start),
                Proposal.published_at < _end(end),
            )
            .order_by(Proposal.published_at, Proposal.id)
        )
    )
    counts = counts_for([p.id for p in rows])
    names = dict(db.session.execute(select(Objective.id, Objective.name)).all()) if rows else {}
    groups: dict[int | None, ObjectiveResults] = {}
    for p in rows:
        group = groups.setdefault(
            p.objective_id, ObjectiveResults(p.objective_id, names.get(p.objective_id, "No objective"))
        )
        endorsements, leader = counts.get(p.id, (0, False))
        group.proposals.append(
            PublishedResult(
                p.id, p.channel.name, p.published_at, endorsements, leader, p.reach, p.engagements
            )
        )
    return sorted(groups.values(), key=lambda g: (g.objective_id is None, g.objective_name.lower()))
