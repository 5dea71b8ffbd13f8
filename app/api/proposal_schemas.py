"""JSON Schemas for the proposals API and the JSON shape of a proposal (added to the OpenAPI document)."""

from app.api.schemas import COMPONENTS, CONFIRM_SENSITIVE, REQUESTS, nullable, ref
from app.api.serializers import community_ref, iso, person
from app.models import COUNTING_RULES, PROPOSAL_STAGES, SUGGESTION_STATUSES, Proposal, ProposalChannel
from app.proposals import counting
from app.proposals.queries import Cards
from app.proposals.services import MAX_CASE, MAX_DRAFT

_STR, _INT, _BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
_TIME = {"type": "string", "format": "date-time"}
_ID = {"type": "integer", "minimum": 1}
_STAGE = {"enum": list(PROPOSAL_STAGES)}


def _obj(properties: dict, required: list[str] | None = None) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


def channel_json(channel: ProposalChannel) -> dict:
    """A channel with its limit and how it counts."""
    return {
        "id": channel.id,
        "slug": channel.slug,
        "name": channel.name,
        "char_limit": channel.char_limit,
        "counting": channel.counting,
        "notes": channel.notes,
        "archived": channel.archived_at is not None,
    }


def proposal_json(p: Proposal, cards: Cards) -> dict:
    """A proposal as JSON; buy-in figures come from the page's Cards (no query per item)."""
    return {
        "id": p.id,
        "stage": p.stage,
        "channel": channel_json(p.channel),
        "draft": p.draft,
        "length": counting.count(p.draft, p.channel.counting),
        "has_image": p.has_image,
        "alt_text": p.alt_text,
        "objective": {"id": p.objective.id, "name": p.objective.name} if p.objective else None,
        "why": p.why,
        "reputation_worst": p.reputation_worst,
        "reputation_record": p.reputation_record,
        "sensitive": p.sensitive,
        "signed_off": p.signed_off,
        "decline_reason": p.decline_reason or None,
        "proposer": person(p.proposer),
        "community": community_ref(p.community),
        "post_id": p.post_id,
        "source_post_id": p.source_post_id,
        "version": p.version,
        "draft_version": p.draft_version,
        "endorsements": cards.endorsements(p),
        "leader_endorsed": cards.leader_endorsed(p),
        "endorsed_by_me": cards.endorsed_by_me(p),
        "scheduled_for": iso(p.scheduled_for),
        "published_at": iso(p.published_at),
        "public_url": p.public_url or None,
        "reach": p.reach,
        "engagements": p.engagements,
        "created_at": iso(p.created_at),
        "updated_at": iso(p.updated_at),
    }


_TEXT = {"type": "string", "minLength": 1, "maxLength": MAX_CASE}

COMPONENTS.update(
    {
        "ProposalChannel": _obj(
            {
                "id": _INT,
                "slug": _STR,
                "name": _STR,
                "char_limit": {"type": ["integer", "null"]},
                "counting": {"enum": list(COUNTING_RULES)},
                "notes": _STR,
                "archived": _BOOL,
            }
        ),
        "Proposal": _obj(
            {
                "id": _INT,
                "stage": _STAGE,
                "channel": ref("ProposalChannel"),
                "draft": _STR,
                "length": {**_INT, "description": "the draft's length as its channel counts it"},
                "has_image": _BOOL,
                "alt_text": _STR,
                "objective": nullable(_obj({"id": _INT, "name": _STR})),
                "why": _STR,
                "reputation_worst": _STR,
                "reputation_record": _STR,
                "sensitive": _BOOL,
                "signed_off": {**_BOOL, "description": "a leader signed off the current draft"},
                "decline_reason": {"type": ["string", "null"]},
                "proposer": ref("Person"),
                "community": ref("CommunityRef"),
                "post_id": {**_INT, "description": "the discussion thread (GET /posts/{id}/replies)"},
                "source_post_id": {"type": ["integer", "null"]},
                "version": _INT,
                "draft_version": _INT,
                "endorsements": _INT,
                "leader_endorsed": _BOOL,
                "endorsed_by_me": _BOOL,
                "scheduled_for": nullable(_TIME),
                "published_at": nullable(_TIME),
                "public_url": {"type": ["string", "null"]},
                "reach": {"type": ["integer", "null"]},
                "engagements": {"type": ["integer", "null"]},
                "created_at": _TIME,
                "updated_at": _TIME,
            }
        ),
        "ProposalVersion": _obj(
            {
                "number": _INT,
                "actor": nullable(ref("Person")),
                "summary": _STR,
                "changed": {"type": "array", "items": _STR},
                "snapshot": {"type": "object"},
                "created_at": _TIME,
            }
        ),
        "Suggestion": _obj(
            {
                "id": _INT,
                "author": ref("Person"),
                "original": _STR,
                "replacement": _STR,
                "note": _STR,
                "status": {"enum": list(SUGGESTION_STATUSES)},
                "base_version": _INT,
                "applies": {**_BOOL, "description": "its passage is still in the current draft"},
                "created_at": _TIME,
            }
        ),
        "Endorsements": _obj({"endorsements": _INT, "endorsed_by_me": _BOOL, "leader_endorsed": _BOOL}),
        "ProposalExport": _obj(
            {
                "id": _INT,
                "channel": ref("ProposalChannel"),
                "stage": _STAGE,
                "approved": {**_BOOL, "description": "approved, scheduled or published: final text"},
                "text": _STR,
                "alt_text": _STR,
                "length": _INT,
                "plain_text": {**_STR, "description": "the text with its alt text, as the .txt export"},
            }
        ),
    }
)

REQUESTS.update(
    {
        "ProposalCreate": _obj(
            {
                "channel_id": _ID,
                "draft": {"type": "string", "minLength": 1, "maxLength": MAX_DRAFT},
                "why": _TEXT,
                "reputation_worst": _TEXT,
                "reputation_record": _TEXT,
                "objective_id": {**_ID, "description": "required when the objectives catalogue has any"},
                "has_image": _BOOL,
                "alt_text": {"type": "string", "maxLength": 1000},
                "sensitive": _BOOL,
                "community_id": {**_ID, "description": "share it only there; omit for All staff"},
                "source_post_id": {**_ID, "description": "the post the idea came from"},
                "confirm_sensitive": CONFIRM_SENSITIVE,
            },
            ["channel_id", "draft", "why", "reputation_worst", "reputation_record"],
        ),
        "SuggestionCreate": _obj(
            {
                "original": {
                    "type": "string",
                    "description": "the passage to replace; omit for the whole draft",
                },
                "replacement": _STR,
                "note": _STR,
                "start": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "where the passage starts, if it repeats",
                },
            },
            ["replacement"],
        ),
        "SuggestionDecision": _obj({"decision": {"enum": ["accept", "dismiss"]}}),
        "Transition": _obj(
            {
                "stage": _STAGE,
                "reason": {"type": "string", "description": "required to decline; a note otherwise"},
                "scheduled_for": {**_TIME, "description": "required to schedule"},
                "published_at": {**_TIME, "description": "when publishing; default now"},
                "public_url": _STR,
            },
            ["stage"],
        ),
        "SignOff": _obj({"signed": _BOOL}),
        "Results": _obj(
            {
                "reach": {"type": ["integer", "null"], "minimum": 0},
                "engagements": {"type": ["integer", "null"], "minimum": 0},
                "public_url": _STR,
            },
            [],
        ),
    }
)
