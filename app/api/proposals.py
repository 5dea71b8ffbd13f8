"""Proposals for public channels: propose, read, list, endorse, suggest, move, sign off, results, export."""

from flask import request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.api import bp
from app.api.inputs import ID, bool_field, choice_field, json_object, keyset, optional_id, text_field
from app.api.proposal_schemas import channel_json, proposal_json
from app.api.schemas import PAGE_QUERY, documented, list_of, ref
from app.api.serializers import iso, person
from app.errors import ValidationError
from app.extensions import db
from app.models import PROPOSAL_STAGES, Proposal, ProposalVersion
from app.permissions import access
from app.proposals import buyin, counting, export, queries, services, stages, suggestions
from app.proposals.channels import active_channels
from app.proposals.views import parse_when


def _one(proposal: Proposal) -> dict:
    return proposal_json(proposal, queries.cards(current_user, [proposal]))


def _bool(data: dict, name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise ValidationError({name: "Send true or false."})
    return value


def _when(data: dict, name: str):
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise ValidationError({name: "Send an ISO 8601 time, e.g. 2026-12-04T09:30:00Z."})
    return parse_when(value, name)


def _figure(data: dict, name: str) -> int | None:
    value = data.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationError({name: "Send a whole number, 0 or more, or null."})
    return value


@bp.route("/proposals/channels")
@access("signed_in")
@documented(response=list_of("ProposalChannel"))
def list_proposal_channels():
    """The public channels a proposal can be written for, with their limits and counting rules."""
    return {"items": [channel_json(c) for c in active_channels()], "next_cursor": None}


@bp.route("/proposals", methods=["POST"])
@access("signed_in")
@documented(request=ref("ProposalCreate"), response=ref("Proposal"), status=201)
def create_proposal():
    """Propose content for a public channel (from a post with source_post_id, or from scratch)."""
    data = json_object()
    fields = services.ProposalInput(
        channel_id=optional_id(data, "channel_id"),
        draft=text_field(data, "draft"),
        why=text_field(data, "why"),
        reputation_worst=text_field(data, "reputation_worst"),
        reputation_record=text_field(data, "reputation_record"),
        objective_id=optional_id(data, "objective_id"),
        has_image=_bool(data, "has_image"),
        alt_text=text_field(data, "alt_text"),
        sensitive=_bool(data, "sensitive"),
        community_id=optional_id(data, "community_id"),
        confirm_sensitive=_bool(data, "confirm_sensitive"),
    )
    proposal = services.create_proposal(current_user, fields, optional_id(data, "source_post_id"))
    db.session.commit()
    return _one(proposal), 201, {"Location": url_for("api.get_proposal", proposal_id=proposal.id)}


@bp.route("/proposals")
@access("signed_in")
@documented(
    response=list_of("Proposal"),
    query={
        **PAGE_QUERY,
        "stage": {"enum": list(PROPOSAL_STAGES)},
        "channel": {"type": "integer", "description": "a channel id"},
        "objective": {"type": "integer", "description": "an objective id"},
        "unit": {"type": "integer", "description": "the proposer's unit id"},
        "mine": {"enum": ["1"], "description": "only my proposals"},
    },
)
def list_proposals():
    """Proposals I may see, newest first, filtered like the board."""
    stmt = queries.filtered(current_user, queries.Filters.from_args(request.args))
    stage = request.args.get("stage")
    if stage:
        if stage not in PROPOSAL_STAGES:
            raise ValidationError({"stage": f"Choose one of: {', '.join(PROPOSAL_STAGES)}."})
        stmt = stmt.where(Proposal.stage == stage)
    rows, next_cursor = keyset(stmt, Proposal.id)
    cards = queries.cards(current_user, rows)
    return {"items": [proposal_json(p, cards) for p in rows], "next_cursor": next_cursor}


@bp.route(f"/proposals/<{ID}:proposal_id>")
@access("signed_in")
@documented(response=ref("Proposal"))
def get_proposal(proposal_id: int):
    """A proposal I may see."""
    return _one(services.get_proposal(current_user, proposal_id))


@bp.route(f"/proposals/<{ID}:proposal_id>/endorsement", methods=["PUT"])
@access("signed_in")
@documented(response=ref("Endorsements"))
def endorse_proposal(proposal_id: int):
    """Endorse a proposal (one each; doing it again changes nothing)."""
    proposal = services.get_proposal(current_user, proposal_id)
    count = buyin.endorse(current_user, proposal, True)
    db.session.commit()
    return {
        "endorsements": count,
        "endorsed_by_me": True,
        "leader_endorsed": buyin.buy_in(current_user, proposal).leader_endorsed,
    }


@bp.route(f"/proposals/<{ID}:proposal_id>/endorsement", methods=["DELETE"])
@access("signed_in")
@documented(status=204)
def withdraw_endorsement(proposal_id: int):
    """Withdraw my endorsement."""
    proposal = services.get_proposal(current_user, proposal_id)
    buyin.endorse(current_user, proposal, False)
    db.session.commit()
    return "", 204


def _suggestion_json(proposal: Proposal, row) -> dict:
    return {
        "id": row.id,
        "author": person(row.author),
        "original": row.original,
        "replacement": row.replacement,
        "note": row.note,
        "status": row.status,
        "base_version": row.base_version,
        "applies": suggestions.applied(proposal, row) is not None,
        "created_at": iso(row.created_at),
    }


@bp.route(f"/proposals/<{ID}:proposal_id>/suggestions")
@access("signed_in")
@documented(response=list_of("Suggestion"))
def list_suggestions(proposal_id: int):
    """Suggested edits: open ones first."""
    proposal = services.get_proposal(current_user, proposal_id)
    rows = suggestions.suggestions_for(proposal)
    return {"items": [_suggestion_json(proposal, r) for r in rows], "next_cursor": None}


@bp.route(f"/proposals/<{ID}:proposal_id>/suggestions", methods=["POST"])
@access("signed_in")
@documented(request=ref("SuggestionCreate"), response=ref("Suggestion"), status=201)
def suggest_edit(proposal_id: int):
    """Suggest a replacement for a passage of the draft (omit original for the whole draft)."""
    proposal = services.get_proposal(current_user, proposal_id)
    data = json_object()
    start = data.get("start")
    if start is not None and (
        isinstance(start, bool) or not isinstance(start, int) or not 0 <= start <= 10**6
    ):
        raise ValidationError({"start": "Send the offset as a whole number."})
    row = suggestions.suggest(
        current_user,
        proposal,
        text_field(data, "original"),
        text_field(data, "replacement"),
        text_field(data, "note"),
        start,
    )
    db.session.commit()
    return _suggestion_json(proposal, row), 201


@bp.route(f"/proposals/<{ID}:proposal_id>/suggestions/<{ID}:suggestion_id>/decision", methods=["POST"])
@access("signed_in")
@documented(request=ref("SuggestionDecision"), response=ref("Proposal"))
def decide_suggestion(proposal_id: int, suggestion_id: int):
    """The proposer accepts a suggestion (a new version) or dismisses it."""
    proposal = services.get_proposal(current_user, proposal_id)
    row = suggestions.get_suggestion(current_user, proposal, suggestion_id)
    if choice_field(json_object(), "decision", ("accept", "dismiss")) == "accept":
        suggestions.accept(current_user, proposal, row)
    else:
        suggestions.dismiss(current_user, proposal, row)
    db.session.commit()
    return _one(proposal)


@bp.route(f"/proposals/<{ID}:proposal_id>/transition", methods=["POST"])
@access("signed_in")
@documented(request=ref("Transition"), response=ref("Proposal"))
def transition_proposal(proposal_id: int):
    """Move a proposal to another stage (comms), or withdraw and resubmit it (the proposer)."""
    proposal = services.get_proposal(current_user, proposal_id)
    data = json_object()
    stages.move(
        current_user,
        proposal,
        choice_field(data, "stage", PROPOSAL_STAGES),
        reason=text_field(data, "reason"),
        scheduled_for=_when(data, "scheduled_for"),
        published_at=_when(data, "published_at"),
        public_url=text_field(data, "public_url"),
    )
    db.session.commit()
    return _one(proposal)


@bp.route(f"/proposals/<{ID}:proposal_id>/signoff", methods=["POST"])
@access("signed_in")
@documented(request=ref("SignOff"), response=ref("Proposal"))
def sign_off_proposal(proposal_id: int):
    """A leader signs off the current draft ({"signed": true}) or takes it back (false)."""
    proposal = services.get_proposal(current_user, proposal_id)
    stages.sign_off(current_user, proposal, bool_field(json_object(), "signed"))
    db.session.commit()
    return _one(proposal)


@bp.route(f"/proposals/<{ID}:proposal_id>/results", methods=["PUT"])
@access("signed_in")
@documented(request=ref("Results"), response=ref("Proposal"))
def record_results(proposal_id: int):
    """The comms team record public results (reach, engagements) and the public link."""
    proposal = services.get_proposal(current_user, proposal_id)
    data = json_object()
    url = data.get("public_url")
    stages.record_results(
        current_user,
        proposal,
        _figure(data, "reach"),
        _figure(data, "engagements"),
        None if url is None else text_field(data, "public_url"),
    )
    db.session.commit()
    return _one(proposal)


@bp.route(f"/proposals/<{ID}:proposal_id>/versions")
@access("signed_in")
@documented(response=list_of("ProposalVersion"))
def list_versions(proposal_id: int):
    """Every change, newest first: who, what changed, and the whole proposal after it."""
    proposal = services.get_proposal(current_user, proposal_id)
    rows = db.session.scalars(
        select(ProposalVersion)
        .where(ProposalVersion.proposal_id == proposal.id)
        .order_by(ProposalVersion.number.desc())
    )
    items = [
        {
            "number": v.number,
            "actor": person(v.actor),
            "summary": v.summary,
            "changed": v.changed,
            "snapshot": v.snapshot,
            "created_at": iso(v.created_at),
        }
        for v in rows
    ]
    return {"items": items, "next_cursor": None}


@bp.route(f"/proposals/<{ID}:proposal_id>/export")
@access("signed_in")
@documented(response=ref("ProposalExport"))
def export_proposal(proposal_id: int):
    """The text for the channel, ready to paste (approved tells you whether it is final)."""
    proposal = services.get_proposal(current_user, proposal_id)
    return {
        "id": proposal.id,
        "channel": channel_json(proposal.channel),
        "stage": proposal.stage,
        "approved": proposal.stage in ("approved", "scheduled", "published"),
        "text": proposal.draft,
        "alt_text": proposal.alt_text,
        "length": counting.count(proposal.draft, proposal.channel.counting),
        "plain_text": export.final_text(proposal),
    }
