"""Who may see a proposal and who may do what with it: the one place pages, API, sockets and board ask.

Visibility: a proposal is seen by exactly the people who may read the community it was shared in,
its thread included (the thread is a post in that community). By default that is All staff, so
everyone signed in; a proposer may share a sensitive one in a community they belong to instead.
"""

from sqlalchemy import ColumnElement

from app.models import Proposal, User
from app.permissions.communities import can_see_content, visible_community_ids
from app.permissions.roles import has_role

OPEN_STAGES = ("idea", "review", "approved", "scheduled")
# The proposer may change the text until it is approved (moving it back to review reopens it).
EDITABLE_STAGES = ("idea", "review", "declined", "withdrawn")
SIGNOFF_STAGES = ("idea", "review")

# (from, to) -> who may make the move: the comms team (admins too) or the proposer.
MOVES: dict[tuple[str, str], str] = {
    ("idea", "review"): "comms",
    ("review", "idea"): "comms",
    ("review", "approved"): "comms",
    ("approved", "review"): "comms",
    ("approved", "scheduled"): "comms",
    ("scheduled", "approved"): "comms",
    ("approved", "published"): "comms",
    ("scheduled", "published"): "comms",
    **{(stage, "declined"): "comms" for stage in OPEN_STAGES},
    **{(stage, "withdrawn"): "proposer" for stage in OPEN_STAGES},
    ("declined", "idea"): "proposer",
    ("withdrawn", "idea"): "proposer",
}


def _active(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def can_see_proposal(user: User | None, proposal: Proposal) -> bool:
    """Whether the person may see the proposal: the rule of its community's content."""
    return can_see_content(user, proposal.community)


def visible_proposal_clause(user: User) -> ColumnElement[bool]:
    """The same rule as a SQL condition, for lists, the board, exports and digests."""
    return Proposal.community_id.in_(visible_community_ids(user))


def runs_pipeline(user: User | None) -> bool:
    """The comms team (and admins) move proposals through the stages."""
    return has_role(user, "comms")


def is_leader(user: User | None) -> bool:
    """Leaders (and admins) sign off sensitive proposals."""
    return has_role(user, "leader")


def can_edit_proposal(user: User | None, proposal: Proposal) -> bool:
    """The proposer edits the text until it is approved."""
    return _active(user) and proposal.proposer_id == user.id and proposal.stage in EDITABLE_STAGES


def can_endorse(user: User | None, proposal: Proposal) -> bool:
    """Anyone who sees an open proposal, except its proposer (whose support is taken as read)."""
    return (
        can_see_proposal(user, proposal) and proposal.proposer_id != user.id and proposal.stage in OPEN_STAGES
    )


def can_suggest(user: User | None, proposal: Proposal) -> bool:
    """Anyone who sees it suggests edits while the text can still change."""
    return can_see_proposal(user, proposal) and proposal.stage in ("idea", "review")


def can_sign_off(user: User | None, proposal: Proposal) -> bool:
    """A leader who sees it, other than the proposer, signs off before approval."""
    return (
        is_leader(user)
        and can_see_proposal(user, proposal)
        and proposal.proposer_id != user.id
        and proposal.stage in SIGNOFF_STAGES
    )


def can_flag_sensitive(user: User | None, proposal: Proposal) -> bool:
    """The proposer or the comms team may mark a proposal sensitive."""
    return can_see_proposal(user, proposal) and (proposal.proposer_id == user.id or runs_pipeline(user))


def can_clear_sensitive(user: User | None, proposal: Proposal) -> bool:
    """Only the comms team may clear the flag, so nobody dodges a leader's sign-off."""
    return can_see_proposal(user, proposal) and runs_pipeline(user)


def can_record_results(user: User | None, proposal: Proposal) -> bool:
    """The comms team record the public link and results once it is published."""
    return can_see_proposal(user, proposal) and runs_pipeline(user) and proposal.stage == "published"


def may_move(user: User | None, proposal: Proposal, to: str) -> bool:
    """Whether the person may move the proposal to this stage (sign-off is checked by the service)."""
    who = MOVES.get((proposal.stage, to))
    if who is None or not can_see_proposal(user, proposal):
        return False
    if who == "comms":
        return runs_pipeline(user)
    return proposal.proposer_id == user.id


def allowed_moves(user: User | None, proposal: Proposal) -> list[str]:
    """The stages the person may move the proposal to, in pipeline order."""
    return [to for (start, to) in MOVES if start == proposal.stage and may_move(user, proposal, to)]
