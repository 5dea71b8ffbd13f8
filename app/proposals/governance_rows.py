"""A proposal as subject access and disclosure exports write it."""

from app.governance.registry import iso
from app.models import Proposal


def proposal_row(p: Proposal) -> dict:
    """The proposal's own fields (what goes public, the case for it, its stage), JSON-ready."""
    return {
        "proposal_id": p.id,
        "post_id": p.post_id,
        "community": p.community.name,
        "channel": p.channel.name,
        "stage": p.stage,
        "draft": p.draft,
        "why": p.why,
        "reputation_worst": p.reputation_worst,
        "reputation_record": p.reputation_record,
        "alt_text": p.alt_text,
        "sensitive": p.sensitive,
        "decline_reason": p.decline_reason,
        "created_at": iso(p.created_at),
        "published_at": iso(p.published_at),
    }
