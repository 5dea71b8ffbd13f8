"""Reading proposals: the board and its filters, cards for a whole page at once, the weekly review list,
post cards in feeds, and results by objective for the insight dashboard."""

from dataclasses import dataclass, field

from sqlalchemy import Select, func, select

from app.extensions import db
from app.feeds.queries import register_extra
from app.forms import parse_id
from app.models import Post, Proposal, User
from app.permissions.proposals import visible_proposal_clause
from app.proposals.buyin import counts_for, endorsed_by

BOARD_STAGES = ("idea", "review", "approved", "scheduled", "published", "declined")
# Finished columns show the newest few; the open ones show everything (they are the work in hand).
OPEN_STAGES = ("idea", "review", "approved", "scheduled")
FINISHED_LIMIT = 20
READY_STAGES = ("idea", "review")


@dataclass
class Filters:
    """The board's filters, from the query string (anything that isn't an id is ignored)."""

    channel_id: int | None = None
    objective_id: int | None = None
    unit_id: int | None = None
    mine: bool = False

    @classmethod
    def from_args(cls, args) -> "Filters":
        """Read ?channel=&objective=&unit=&mine=1."""
        return cls(
            channel_id=parse_id(args.get("channel")),
            objective_id=parse_id(args.get("objective")),
            unit_id=parse_id(args.get("unit")),
            mine=args.get("mine") == "1",
        )

    def args(self) -> dict[str, str]:
        """The filters as query-string arguments (for links, fragments and exports)."""
        values = {"channel": self.channel_id, "objective": self.objective_id, "unit": self.unit_id}
        out = {key: str(value) for key, value in values.items() if value is not None}
        if self.mine:
            out["mine"] = "1"
        return out


@dataclass
class Cards:
    """What proposal cards need for a whole page, loaded in a fixed number of queries."""

    counts: dict[int, tuple[int, bool]] = field(default_factory=dict)
    mine: set[int] = field(default_factory=set)

    def endorsements(self, proposal: Proposal) -> int:
        """How many endorse it."""
        return self.counts.get(proposal.id, (0, False))[0]

    def leader_endorsed(self, proposal: Proposal) -> bool:
        """Whether a leader endorses it."""
        return self.counts.get(proposal.id, (0, False))[1]

    def endorsed_by_me(self, proposal: Proposal) -> bool:
        """Whether the viewer endorses it."""
        return proposal.id in self.mine


def visible_proposals(user: User) -> Select[tuple[Proposal]]:
    """Proposals the person may see, newest first (with proposer and channel joined in)."""
    return (
        select(Proposal)
        .join(Proposal.proposer)
        .where(visible_proposal_clause(user))
        .order_by(Proposal.id.desc())
    )


def filtered(user: User, filters: Filters) -> Select[tuple[Proposal]]:
    """Visible proposals narrowed by channel, objective, the proposer's unit, or mine."""
    stmt = visible_proposals(user)
    if filters.channel_id is not None:
        stmt = stmt.where(Proposal.channel_id == filters.channel_id)
    if filters.objective_id is not None:
        stmt = stmt.where(Proposal.objective_id == filters.objective_id)
    if filters.unit_id is not None:
        stmt = stmt.where(User.unit_id == filters.unit_id)
    if filters.mine:
        stmt = stmt.where(Proposal.proposer_id == user.id)
    return stmt


def cards(viewer: User, proposals: list[Proposal]) -> Cards:
    """Endorsement counts, leader support and my endorsements for these proposals (two queries)."""
    ids = [p.id for p in proposals]
    return Cards(counts=counts_for(ids), mine=endorsed_by(viewer, ids))


@dataclass
class Board:
    """The pipeline: a column of proposals per stage, with how many each column holds."""

    columns: dict[str, list[Proposal]]
    totals: dict[str, int]
    cards: Cards


def board(viewer: User, filters: Filters) -> Board:
    """Every open proposal and the newest finished ones, by stage (a fixed number of queries)."""
    stmt = filtered(viewer, filters)
    totals = dict(
        db.session.execute(
            stmt.order_by(None).with_only_columns(Proposal.stage, func.count()).group_by(Proposal.stage)
        ).all()
    )
    open_rows = list(db.session.scalars(stmt.where(Proposal.stage.in_(OPEN_STAGES))).unique())
    done_rows = []
    for stages in (("published",), ("declined", "withdrawn")):
        newest = (
            stmt.where(Proposal.stage.in_(stages)).order_by(None).order_by(Proposal.stage_changed_at.desc())
        )
        done_rows += list(db.session.scalars(newest.limit(FINISHED_LIMIT)).unique())
    columns: dict[str, list[Proposal]] = {stage: [] for stage in BOARD_STAGES}
    for proposal in open_rows + done_rows:
        columns["declined" if proposal.stage == "withdrawn" else proposal.stage].append(proposal)
    totals["declined"] = totals.get("declined", 0) + totals.pop("withdrawn", 0)
    return Board(columns=columns, totals=totals, cards=cards(viewer, open_rows + done_rows))


def ready_for_review(viewer: User) -> tuple[list[Proposal], Cards]:
    """Ideas and proposals in review the person may see, best supported first (for comms)."""
    rows = list(
        db.session.scalars(visible_proposals(viewer).where(Proposal.stage.in_(READY_STAGES))).unique()
    )
    info = cards(viewer, rows)
    rows.sort(key=lambda p: (p.stage != "review", -info.endorsements(p), -p.id))
    return rows, info


def proposal_extras(viewer: User, posts: list[Post]) -> dict[int, dict]:
    """Feed cards of kind "proposal": the proposal and its buy-in, for a whole page (two queries)."""
    ids = [post.id for post in posts if post.kind == "proposal"]
    if not ids:
        return {}
    rows = list(db.session.scalars(select(Proposal).where(Proposal.post_id.in_(ids))))
    counts = counts_for([p.id for p in rows])
    return {
        p.post_id: {
            "proposal": p,
            "endorsements": counts.get(p.id, (0, False))[0],
            "leader": counts.get(p.id, (0, False))[1],
        }
        for p in rows
    }


register_extra("proposal", proposal_extras)
