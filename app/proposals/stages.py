"""Moving proposals through the pipeline, the sensitive flag and a leader's sign-off, publishing details
and public results. Who may do what is app.permissions.proposals; the sign-off rule is enforced here."""

from datetime import datetime
from urllib.parse import urlsplit

from app import audit
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.forms import MAX_ID, clean_text
from app.models import PROPOSAL_STAGES, Proposal, User, utcnow
from app.notifications.services import notify
from app.permissions.proposals import (
    MOVES,
    can_clear_sensitive,
    can_flag_sensitive,
    can_record_results,
    can_see_proposal,
    can_sign_off,
    is_leader,
    may_move,
    runs_pipeline,
)
from app.proposals.services import STAGE_LABELS, clean_draft, record_event
from app.proposals.versions import add_version
from app.sanitize import plain_text

MAX_REASON = 1_000
MAX_URL = 500
# Stages whose text an outside publishing tool may pick up (the optional webhook).
WEBHOOK_STAGES = ("approved", "scheduled")


def check_public_url(raw: str) -> str:
    """An http(s) link to where it was published, or ''."""
    url = clean_text(raw)
    if not url:
        return ""
    parts = urlsplit(url)
    if len(url) > MAX_URL or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError({"public_url": "Paste the full public link, starting https://"})
    return url


def move(
    actor: User,
    proposal: Proposal,
    to: str,
    *,
    reason: str = "",
    scheduled_for: datetime | None = None,
    published_at: datetime | None = None,
    public_url: str = "",
) -> Proposal:
    """Move a proposal to another stage; the proposer is told, and every move is a version."""
    if to not in PROPOSAL_STAGES:
        raise ValidationError({"stage": "Choose a stage from the list."})
    if not can_see_proposal(actor, proposal):
        raise PermissionDenied("You can't see this proposal.")
    start = proposal.stage
    if (start, to) not in MOVES:
        raise ValidationError(
            {
                "stage": f"A proposal that is {STAGE_LABELS[start].lower()} can't move to {STAGE_LABELS[to].lower()}."
            }
        )
    if not may_move(actor, proposal, to):
        who = "the comms team" if MOVES[(start, to)] == "comms" else "the proposer"
        raise PermissionDenied(f"Only {who} can move it to {STAGE_LABELS[to].lower()}.")
    reason = clean_text(clean_draft(reason), multiline=True)
    if to == "declined" and not reason:
        raise ValidationError({"reason": "Tell the proposer why, so they can improve it or let it go."})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"Keep the reason under {MAX_REASON:,} characters."})
    if to == "approved" and proposal.sensitive and not proposal.signed_off:
        raise ValidationError(
            {"stage": "This proposal is sensitive: a leader must sign off the current draft before approval."}
        )
    if to == "scheduled" and scheduled_for is None:
        raise ValidationError({"scheduled_for": "Say when it is scheduled to go out."})
    url = check_public_url(public_url) if to == "published" else ""
    changed = ["stage"]
    if to == "declined" or proposal.decline_reason:
        proposal.decline_reason = reason if to == "declined" else ""
        changed.append("decline_reason")
    if to == "scheduled" or (start == "scheduled" and to == "approved"):
        proposal.scheduled_for = scheduled_for if to == "scheduled" else None
        changed.append("scheduled_for")
    if to == "published":
        proposal.published_at = published_at or utcnow()
        proposal.public_url = url or proposal.public_url
        changed += ["published_at", "public_url"]
    proposal.stage = to
    proposal.stage_changed_at = utcnow()
    summary = f"Moved to {STAGE_LABELS[to].lower()}" + (
        f": \u201c{plain_text(reason, 120)}\u201d" if reason else ""
    )
    add_version(proposal, actor, summary, changed)
    notify(
        proposal.proposer_id,
        "proposal_stage",
        actor=actor,
        community=proposal.community,
        proposal_id=proposal.id,
        stage=to,
        reason=reason,
        excerpt=plain_text(proposal.draft, 100),
    )
    if runs_pipeline(actor) and MOVES[(start, to)] == "comms":
        audit.record(actor, "proposal.moved", "proposal", proposal.id, reason, stage_from=start, stage_to=to)
    record_event("proposal_moved", proposal, actor, stage_from=start)
    if to in WEBHOOK_STAGES:
        from app.proposals.webhooks import enqueue

        enqueue(proposal, f"proposal.{to}")
    return proposal


def set_sensitive(actor: User, proposal: Proposal, sensitive: bool) -> Proposal:
    """Mark a proposal sensitive (proposer or comms) or clear the flag (comms only)."""
    if sensitive == proposal.sensitive:
        return proposal
    allowed = can_flag_sensitive(actor, proposal) if sensitive else can_clear_sensitive(actor, proposal)
    if not allowed:
        raise PermissionDenied(
            "Only the proposer or the comms team can mark this sensitive."
            if sensitive
            else "Only the comms team can clear the sensitive flag."
        )
    if proposal.stage not in ("idea", "review"):
        raise ValidationError({"sensitive": "Only ideas and proposals in review can be flagged or cleared."})
    proposal.sensitive = sensitive
    add_version(
        proposal,
        actor,
        "Marked sensitive: needs a leader's sign-off" if sensitive else "Cleared the sensitive flag",
        ["sensitive"],
    )
    record_event("proposal_updated", proposal, actor, version=proposal.version)
    return proposal


def sign_off(actor: User, proposal: Proposal, signed: bool = True) -> Proposal:
    """A leader signs off the current draft (or takes their sign-off back)."""
    if not can_sign_off(actor, proposal):
        raise PermissionDenied(
            "Another leader must sign off your own proposal."
            if proposal.proposer_id == actor.id and is_leader(actor)
            else "Only a leader can sign off, while the proposal is an idea or in review."
        )
    if signed:
        if proposal.signed_off:
            return proposal
        proposal.signoff_by, proposal.signoff_version, proposal.signoff_at = (
            actor,
            proposal.draft_version,
            utcnow(),
        )
        summary = f"Signed off draft version {proposal.draft_version}"
    else:
        if proposal.signoff_by_id != actor.id:
            raise PermissionDenied("Only the leader who signed off can take it back.")
        proposal.signoff_by, proposal.signoff_version, proposal.signoff_at = None, None, None
        summary = "Took back the sign-off"
    add_version(proposal, actor, summary, ["signoff"])
    audit.record(
        actor, "proposal.signed_off" if signed else "proposal.signoff_withdrawn", "proposal", proposal.id
    )
    record_event("proposal_updated", proposal, actor, version=proposal.version)
    return proposal


def request_sign_off(actor: User, proposal: Proposal, leader: User | None) -> None:
    """The comms team (or the proposer) ask a leader who can see the proposal to sign it off."""
    if not (runs_pipeline(actor) or proposal.proposer_id == actor.id) or not can_see_proposal(
        actor, proposal
    ):
        raise PermissionDenied("Only the comms team or the proposer can ask for a sign-off.")
    if leader is None or not can_sign_off(leader, proposal):
        raise ValidationError({"leader_id": "Choose a leader who can see this proposal."})
    notify(
        leader,
        "proposal_signoff_requested",
        actor=actor,
        community=proposal.community,
        proposal_id=proposal.id,
        excerpt=plain_text(proposal.draft, 100),
    )


def _figure(raw: int | None, field: str) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MAX_ID:
        raise ValidationError({field: "Use a whole number, 0 or more."})
    return raw


def record_results(
    actor: User, proposal: Proposal, reach: int | None, engagements: int | None, public_url: str | None = None
) -> Proposal:
    """Comms record what happened in public (reach, engagements) and the public link, any time after."""
    if not can_record_results(actor, proposal):
        raise PermissionDenied("Only the comms team can record results, once it is published.")
    reach, engagements = _figure(reach, "reach"), _figure(engagements, "engagements")
    url = proposal.public_url if public_url is None else check_public_url(public_url)
    changed = [
        name
        for name, old, new in (
            ("reach", proposal.reach, reach),
            ("engagements", proposal.engagements, engagements),
            ("public_url", proposal.public_url, url),
        )
        if old != new
    ]
    if not changed:
        return proposal
    proposal.reach, proposal.engagements, proposal.public_url = reach, engagements, url
    proposal.results_at = utcnow()
    add_version(proposal, actor, "Recorded public results", changed)
    record_event("proposal_updated", proposal, actor, version=proposal.version)
    db.session.flush()
    return proposal
