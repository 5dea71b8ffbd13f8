"""Proposals in disclosure exports: the proposals shared in a community, the edits suggested to them
and their history (each change and stage move), as CSV columns."""

from sqlalchemy import func, select

from app.extensions import db
from app.governance.registry import DisclosureKind, iso, register_disclosure
from app.models import Proposal, ProposalEndorsement, ProposalSuggestion, ProposalVersion
from app.proposals.governance_rows import proposal_row


def _in(model, community, start, end):
    stmt = select(model).where(model.created_at >= start, model.created_at < end)
    if model is Proposal:
        return stmt.where(Proposal.community_id == community.id)
    return stmt.where(model.proposal_id.in_(select(Proposal.id).where(Proposal.community_id == community.id)))


def _endorsements(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(ProposalEndorsement.proposal_id, func.count())
            .where(ProposalEndorsement.proposal_id.in_(ids))
            .group_by(ProposalEndorsement.proposal_id)
        ).all()
    )


def _disclosed_proposals(community, start, end) -> list[dict]:
    rows = list(db.session.scalars(_in(Proposal, community, start, end).order_by(Proposal.id)))
    counts = _endorsements([p.id for p in rows])
    return [
        {
            **proposal_row(p),
            "proposer": p.proposer.name,
            "endorsements": counts.get(p.id, 0),
            "url": p.public_url,
        }
        for p in rows
    ]


PROPOSAL_COLUMNS = (
    "proposal_id",
    "post_id",
    "channel",
    "stage",
    "proposer",
    "draft",
    "why",
    "reputation_worst",
    "reputation_record",
    "alt_text",
    "sensitive",
    "decline_reason",
    "endorsements",
    "created_at",
    "published_at",
    "url",
)
register_disclosure(DisclosureKind("proposals", "Proposals", PROPOSAL_COLUMNS, _disclosed_proposals))


def _disclosed_suggestions(community, start, end) -> list[dict]:
    rows = db.session.scalars(_in(ProposalSuggestion, community, start, end).order_by(ProposalSuggestion.id))
    return [
        {
            "suggestion_id": s.id,
            "proposal_id": s.proposal_id,
            "author": s.author.name,
            "original": s.original,
            "replacement": s.replacement,
            "note": s.note,
            "status": s.status,
            "created_at": iso(s.created_at),
        }
        for s in rows
    ]


register_disclosure(
    DisclosureKind(
        "proposal_suggestions",
        "Suggested edits to proposals",
        ("suggestion_id", "proposal_id", "author", "original", "replacement", "note", "status", "created_at"),
        _disclosed_suggestions,
    )
)


def _disclosed_versions(community, start, end) -> list[dict]:
    rows = db.session.scalars(
        _in(ProposalVersion, community, start, end).order_by(
            ProposalVersion.proposal_id, ProposalVersion.number
        )
    )
    return [
        {
            "proposal_id": v.proposal_id,
            "version": v.number,
            "by": v.actor.name if v.actor else "",
            "summary": v.summary,
            "stage": (v.snapshot or {}).get("stage", ""),
            "at": iso(v.created_at),
        }
        for v in rows
    ]


register_disclosure(
    DisclosureKind(
        "proposal_history",
        "Proposal history (each change and stage move)",
        ("proposal_id", "version", "by", "summary", "stage", "at"),
        _disclosed_versions,
    )
)
