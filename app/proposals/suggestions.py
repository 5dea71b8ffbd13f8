"""Suggested edits: a replacement for a passage of the draft (or all of it) that the proposer accepts,
making a new version, or dismisses."""

from sqlalchemy import func, select

from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import clean_text
from app.models import Proposal, ProposalSuggestion, User, utcnow
from app.notifications.services import notify
from app.permissions.proposals import can_edit_proposal, can_see_proposal, can_suggest
from app.proposals import counting
from app.proposals.diff import Segment, word_diff
from app.proposals.services import MAX_DRAFT, clean_draft, length_message, record_event
from app.proposals.versions import add_version
from app.sanitize import plain_text

MAX_NOTE = 1_000
MAX_OPEN_EACH = 10  # open suggestions one person may have on one proposal


def _locate(draft: str, original: str, start: int | None) -> int | list[int]:
    """Where the passage starts in the draft: the hinted start if it still matches, else the only
    occurrence; otherwise every occurrence (none, or several) so the caller can explain."""
    if start is not None and 0 <= start <= len(draft) and draft[start : start + len(original)] == original:
        return start
    found, at = [], draft.find(original)
    while at != -1 and len(found) < 5:
        found.append(at)
        at = draft.find(original, at + 1)
    return found[0] if len(found) == 1 else found


def _check_result(proposal: Proposal, text: str, field: str) -> None:
    if not text.strip():
        raise ValidationError({field: "A suggestion can't leave the draft empty."})
    if len(text) > MAX_DRAFT:
        raise ValidationError({field: f"The draft would be over {MAX_DRAFT:,} characters."})
    channel = proposal.channel
    if channel.char_limit is not None:
        length = counting.count(text, channel.counting)
        if length > channel.char_limit:
            raise ValidationError({field: "With this change: " + length_message(channel, length)})


def suggest(
    author: User,
    proposal: Proposal,
    original: str,
    replacement: str,
    note: str = "",
    start: int | None = None,
) -> ProposalSuggestion:
    """Suggest a replacement for a passage of the draft; an empty passage means the whole draft."""
    if not can_suggest(author, proposal):
        raise PermissionDenied("Suggestions are open while a proposal is an idea or in review.")
    draft = proposal.draft
    original, replacement = clean_draft(original), clean_draft(replacement)
    note = clean_text(note, multiline=True)
    if not original.strip():
        original, at = draft, 0
    else:
        found = _locate(draft, original, start)
        if isinstance(found, list):
            raise ValidationError(
                {
                    "original": "That passage isn't in the current draft: copy it exactly, or leave this empty to "
                    "suggest a whole new draft."
                    if not found
                    else f"That passage appears {len(found)} times: include a few words either side so it's clear "
                    "which one."
                }
            )
        at = found
    if replacement == original:
        raise ValidationError({"replacement": "That's what the draft says already."})
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": f"Keep the note under {MAX_NOTE:,} characters."})
    _check_result(proposal, draft[:at] + replacement + draft[at + len(original) :], "replacement")
    mine = db.session.scalar(
        select(func.count()).where(
            ProposalSuggestion.proposal_id == proposal.id,
            ProposalSuggestion.author_id == author.id,
            ProposalSuggestion.status == "open",
        )
    )
    if mine >= MAX_OPEN_EACH:
        raise ValidationError(
            {"replacement": "You have ten open suggestions here: wait for the proposer to answer."}
        )
    row = ProposalSuggestion(
        proposal_id=proposal.id,
        author=author,
        base_version=proposal.draft_version,
        start=at,
        end=at + len(original),
        original=original,
        replacement=replacement,
        note=note,
    )
    db.session.add(row)
    db.session.flush()
    notify(
        proposal.proposer_id,
        "proposal_suggestion",
        actor=author,
        community=proposal.community,
        proposal_id=proposal.id,
        suggestion_id=row.id,
        excerpt=plain_text(replacement, 100),
    )
    record_event("suggestion_created", proposal, author, suggestion_id=row.id)
    return row


def get_suggestion(user: User, proposal: Proposal, suggestion_id: int) -> ProposalSuggestion:
    """A suggestion on this proposal, if the person may see the proposal."""
    row = db.session.get(ProposalSuggestion, suggestion_id)
    if row is None or row.proposal_id != proposal.id or not can_see_proposal(user, proposal):
        raise NotFound("We couldn't find that suggestion.")
    return row


def applied(proposal: Proposal, suggestion: ProposalSuggestion) -> str | None:
    """The current draft with the suggestion applied, or None if its passage isn't there any more."""
    draft = proposal.draft
    if (
        suggestion.base_version == proposal.draft_version
        and draft[suggestion.start : suggestion.end] == suggestion.original
    ):
        at = suggestion.start
    else:
        found = _locate(draft, suggestion.original, suggestion.start)
        if isinstance(found, list):
            return None
        at = found
    return draft[:at] + suggestion.replacement + draft[at + len(suggestion.original) :]


def preview(proposal: Proposal, suggestion: ProposalSuggestion) -> list[Segment]:
    """The suggestion as a word diff against the current draft (or its own passage if it moved on)."""
    result = applied(proposal, suggestion)
    if result is None:
        return word_diff(suggestion.original, suggestion.replacement)
    return word_diff(proposal.draft, result, context=8)


def _decide(actor: User, suggestion: ProposalSuggestion, status: str) -> None:
    suggestion.status, suggestion.decided_by_id, suggestion.decided_at = status, actor.id, utcnow()


def accept(actor: User, proposal: Proposal, suggestion: ProposalSuggestion) -> Proposal:
    """The proposer accepts a suggestion: the draft changes and a new version records whose it was."""
    if not can_edit_proposal(actor, proposal):
        raise PermissionDenied("Only the proposer can accept suggestions, until it is approved.")
    if suggestion.status != "open":
        raise ValidationError({"suggestion": "This suggestion has already been answered."})
    result = applied(proposal, suggestion)
    if result is None:
        raise ValidationError(
            {
                "suggestion": "The draft has changed and the passage this suggestion edits isn't there any more. "
                "Dismiss it, or make the change yourself with Edit."
            }
        )
    _check_result(proposal, result, "suggestion")
    proposal.draft = result
    proposal.has_image = proposal.has_image or counting.references_image(result)
    _decide(actor, suggestion, "accepted")
    add_version(proposal, actor, f"Accepted {suggestion.author.name}'s suggestion", ["draft"])
    notify(
        suggestion.author_id,
        "proposal_suggestion_decided",
        actor=actor,
        community=proposal.community,
        proposal_id=proposal.id,
        accepted=True,
        excerpt=plain_text(suggestion.replacement, 100),
    )
    record_event("suggestion_decided", proposal, actor, suggestion_id=suggestion.id, status="accepted")
    return proposal


def dismiss(actor: User, proposal: Proposal, suggestion: ProposalSuggestion) -> None:
    """The proposer dismisses a suggestion (or its author takes it back)."""
    if not (can_edit_proposal(actor, proposal) or suggestion.author_id == actor.id):
        raise PermissionDenied("Only the proposer can dismiss suggestions.")
    if suggestion.status != "open":
        raise ValidationError({"suggestion": "This suggestion has already been answered."})
    _decide(actor, suggestion, "dismissed")
    db.session.flush()
    notify(
        suggestion.author_id,
        "proposal_suggestion_decided",
        actor=actor,
        community=proposal.community,
        proposal_id=proposal.id,
        accepted=False,
        excerpt=plain_text(suggestion.replacement, 100),
    )
    record_event("suggestion_decided", proposal, actor, suggestion_id=suggestion.id, status="dismissed")


def suggestions_for(proposal: Proposal) -> list[ProposalSuggestion]:
    """Open suggestions first (oldest first), then answered ones (newest first)."""
    rows = list(
        db.session.scalars(
            select(ProposalSuggestion)
            .where(ProposalSuggestion.proposal_id == proposal.id)
            .order_by(ProposalSuggestion.id)
        )
    )
    return [r for r in rows if r.status == "open"] + [r for r in reversed(rows) if r.status != "open"]
