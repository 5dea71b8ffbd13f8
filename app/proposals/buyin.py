"""Endorsements and the buy-in they show: who supports a proposal, by unit and role, and whether a leader does."""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import case, delete, func, select

from app.communities.services import insert_once
from app.errors import PermissionDenied
from app.extensions import db
from app.models import Proposal, ProposalEndorsement, User
from app.permissions.proposals import can_endorse, can_see_proposal
from app.proposals.services import record_event

ROLE_LABELS = {
    "member": "Staff",
    "comms": "Comms team",
    "leader": "Leaders",
    "moderator": "Moderators",
    "admin": "Admins",
}
LEADER_ROLES = ("leader", "admin")


@dataclass
class BuyIn:
    """A proposal's endorsements, grouped for the buy-in panel."""

    total: int = 0
    by_unit: list[tuple[str, int]] = field(default_factory=list)
    by_role: list[tuple[str, int]] = field(default_factory=list)
    leaders: list[User] = field(default_factory=list)
    people: list[ProposalEndorsement] = field(default_factory=list)
    earlier_draft: int = 0  # endorsed a draft that has changed since
    mine: bool = False

    @property
    def leader_endorsed(self) -> bool:
        """Whether at least one leader supports it."""
        return bool(self.leaders)


def endorsement_count(proposal_id: int) -> int:
    """How many people endorse a proposal."""
    return db.session.scalar(select(func.count()).where(ProposalEndorsement.proposal_id == proposal_id)) or 0


def endorse(user: User, proposal: Proposal, endorsed: bool = True) -> int:
    """Endorse a proposal (one each) or withdraw the endorsement; returns the new count."""
    if endorsed:
        if not can_endorse(user, proposal):
            raise PermissionDenied(
                "You proposed this: your support is taken as read."
                if proposal.proposer_id == user.id
                else "Endorsements are open until a proposal is published, declined or withdrawn."
            )
        insert_once(
            ProposalEndorsement, proposal_id=proposal.id, user_id=user.id, version=proposal.draft_version
        )
    else:
        if not can_see_proposal(user, proposal):
            raise PermissionDenied("You can't see this proposal.")
        db.session.execute(
            delete(ProposalEndorsement).where(
                ProposalEndorsement.proposal_id == proposal.id, ProposalEndorsement.user_id == user.id
            )
        )
    db.session.flush()
    count = endorsement_count(proposal.id)
    record_event("endorsement_updated", proposal, user, endorsements=count)
    return count


def buy_in(viewer: User, proposal: Proposal) -> BuyIn:
    """Who endorses the proposal, by unit and by role, leaders named (one query)."""
    rows = list(
        db.session.scalars(
            select(ProposalEndorsement)
            .where(ProposalEndorsement.proposal_id == proposal.id)
            .order_by(ProposalEndorsement.created_at)
        )
    )
    units = Counter(row.user.unit.name if row.user.unit else "No unit" for row in rows)
    roles = Counter(ROLE_LABELS.get(row.user.role, row.user.role) for row in rows)
    return BuyIn(
        total=len(rows),
        by_unit=sorted(units.items(), key=lambda item: (-item[1], item[0])),
        by_role=sorted(roles.items(), key=lambda item: (-item[1], item[0])),
        leaders=[row.user for row in rows if row.user.role in LEADER_ROLES and not row.user.is_deactivated],
        people=rows,
        earlier_draft=sum(1 for row in rows if row.version < proposal.draft_version),
        mine=any(row.user_id == viewer.id for row in rows),
    )


def counts_for(proposal_ids: list[int]) -> dict[int, tuple[int, bool]]:
    """(endorsements, whether a leader endorsed) for many proposals at once (one query)."""
    if not proposal_ids:
        return {}
    is_leader = func.max(case((User.role.in_(LEADER_ROLES) & User.deactivated_at.is_(None), 1), else_=0))
    rows = db.session.execute(
        select(ProposalEndorsement.proposal_id, func.count(), is_leader)
        .join(User, User.id == ProposalEndorsement.user_id)
        .where(ProposalEndorsement.proposal_id.in_(proposal_ids))
        .group_by(ProposalEndorsement.proposal_id)
    ).all()
    return {proposal_id: (count, bool(leader)) for proposal_id, count, leader in rows}


def endorsed_by(user: User, proposal_ids: list[int]) -> set[int]:
    """Which of these proposals the person endorses (one query)."""
    if not proposal_ids:
        return set()
    return set(
        db.session.scalars(
            select(ProposalEndorsement.proposal_id).where(
                ProposalEndorsement.user_id == user.id, ProposalEndorsement.proposal_id.in_(proposal_ids)
            )
        )
    )
