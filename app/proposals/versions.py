"""Every change to a proposal is a version: who made it, what changed, and the whole proposal after it."""

from sqlalchemy import select

from app.errors import NotFound
from app.extensions import db
from app.models import Proposal, ProposalVersion, User, utcnow

# What goes public, and the case for it: changing any of these makes a new draft version.
DRAFT_FIELDS = (
    "channel",
    "draft",
    "has_image",
    "alt_text",
    "objective",
    "why",
    "reputation_worst",
    "reputation_record",
)
FIELD_LABELS = {
    "channel": "Channel",
    "draft": "Draft",
    "has_image": "Image",
    "alt_text": "Alt text",
    "objective": "Objective",
    "why": "Why it's worth saying",
    "reputation_worst": "Read at its worst",
    "reputation_record": "Our own record",
    "sensitive": "Sensitive",
    "community": "Who can see it",
    "stage": "Stage",
    "decline_reason": "Reason for declining",
    "signoff": "Leader sign-off",
    "scheduled_for": "Scheduled for",
    "published_at": "Published",
    "public_url": "Public link",
    "reach": "Reach",
    "engagements": "Engagements",
}


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def snapshot(proposal: Proposal) -> dict:
    """The whole proposal as plain data, kept with each version for the history and its diffs."""
    return {
        "channel": proposal.channel.name,
        "draft": proposal.draft,
        "has_image": proposal.has_image,
        "alt_text": proposal.alt_text,
        "objective": proposal.objective.name if proposal.objective else None,
        "why": proposal.why,
        "reputation_worst": proposal.reputation_worst,
        "reputation_record": proposal.reputation_record,
        "sensitive": proposal.sensitive,
        "community": proposal.community.name,
        "stage": proposal.stage,
        "decline_reason": proposal.decline_reason,
        "signoff": proposal.signoff_by.name if proposal.signed_off and proposal.signoff_by else None,
        "scheduled_for": _iso(proposal.scheduled_for),
        "published_at": _iso(proposal.published_at),
        "public_url": proposal.public_url,
        "reach": proposal.reach,
        "engagements": proposal.engagements,
    }


def add_version(proposal: Proposal, actor: User | None, summary: str, changed: list[str]) -> ProposalVersion:
    """Record a change as the next version (a draft field changing also makes a new draft version)."""
    proposal.version = (proposal.version or 0) + 1 if proposal.id else 1
    if proposal.id is None or any(field in DRAFT_FIELDS for field in changed):
        proposal.draft_version = proposal.version
    proposal.updated_at = utcnow()
    db.session.flush()
    row = ProposalVersion(
        proposal_id=proposal.id,
        number=proposal.version,
        actor_id=actor.id if actor else None,
        summary=summary[:200],
        changed=changed,
        snapshot=snapshot(proposal),
    )
    db.session.add(row)
    db.session.flush()
    return row


def versions(proposal: Proposal) -> list[ProposalVersion]:
    """Every version, newest first."""
    return list(
        db.session.scalars(
            select(ProposalVersion)
            .where(ProposalVersion.proposal_id == proposal.id)
            .order_by(ProposalVersion.number.desc())
        )
    )


def get_version(proposal: Proposal, number: int) -> ProposalVersion:
    """One version by number, or NotFound."""
    row = db.session.scalar(
        select(ProposalVersion).where(
            ProposalVersion.proposal_id == proposal.id, ProposalVersion.number == number
        )
    )
    if row is None:
        raise NotFound("We couldn't find that version.")
    return row
