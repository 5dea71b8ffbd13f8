"""Thin views for what people do on a proposal: endorse, suggest, accept, move, flag, sign off, results.

Each answers a redirect back to the proposal (or, for static/js, the refreshed side panel); errors
re-show the proposal page with the message beside the form that caused it, input kept (422).
"""

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import ValidationError
from app.extensions import db
from app.forms import parse_id
from app.models import Proposal, User
from app.permissions import access
from app.proposals import bp, buyin, services, stages, suggestions
from app.proposals.views import fetch_wants_fragment, live_context, parse_figure, parse_when, render_proposal


def _act(proposal_id: int, action: Callable[[Proposal], str | None], anchor: str = ""):
    """Run one action on a visible proposal; commit, flash what happened and go back to it."""
    proposal = services.get_proposal(current_user, proposal_id)
    try:
        done = action(proposal)
    except ValidationError as exc:
        db.session.rollback()
        if fetch_wants_fragment():
            return {"error": {"code": "validation_failed", "message": exc.message, "fields": exc.fields}}, 422
        proposal = services.get_proposal(current_user, proposal_id)
        return render_proposal(proposal, exc.fields, request.form, 422)
    db.session.commit()
    if fetch_wants_fragment():
        return render_template("proposals/_live.html", **live_context(proposal))
    if done:
        flash(done, "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id, _anchor=anchor or None))


@bp.route("/proposals/<int:proposal_id>/endorse", methods=["POST"])
@access("signed_in")
def endorse(proposal_id: int):
    """Endorse (endorsed=1) or withdraw my endorsement (endorsed=0)."""
    wanted = request.form.get("endorsed", "1") == "1"

    def action(proposal: Proposal) -> str:
        buyin.endorse(current_user, proposal, wanted)
        return "You endorse this proposal." if wanted else "Your endorsement is withdrawn."

    return _act(proposal_id, action, "buyin")


def _offset(raw: str | None) -> int | None:
    """Where a selected passage starts in the draft (a hint from static/js), or None."""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else None


@bp.route("/proposals/<int:proposal_id>/suggestions", methods=["POST"])
@access("signed_in")
def suggest(proposal_id: int):
    """Suggest a replacement for a passage of the draft (or the whole draft)."""

    def action(proposal: Proposal) -> str:
        suggestions.suggest(
            current_user,
            proposal,
            request.form.get("original", ""),
            request.form.get("replacement", ""),
            request.form.get("note", ""),
            start=_offset(request.form.get("start")),
        )
        return "Suggestion sent to the proposer."

    return _act(proposal_id, action, "suggestions")


@bp.route(
    "/proposals/<int:proposal_id>/suggestions/<int:suggestion_id>/<any(accept, dismiss):decision>",
    methods=["POST"],
)
@access("signed_in")
def decide(proposal_id: int, suggestion_id: int, decision: str):
    """The proposer accepts (a new version) or dismisses a suggestion."""

    def action(proposal: Proposal) -> str:
        row = suggestions.get_suggestion(current_user, proposal, suggestion_id)
        if decision == "accept":
            suggestions.accept(current_user, proposal, row)
            return "Suggestion accepted: the draft is a new version."
        suggestions.dismiss(current_user, proposal, row)
        return "Suggestion dismissed."

    return _act(proposal_id, action, "suggestions")


@bp.route("/proposals/<int:proposal_id>/move", methods=["POST"])
@access("signed_in")
def move(proposal_id: int):
    """Move to another stage (comms), or withdraw and resubmit (the proposer)."""

    def action(proposal: Proposal) -> str:
        stages.move(
            current_user,
            proposal,
            request.form.get("stage", ""),
            reason=request.form.get("reason", ""),
            scheduled_for=parse_when(request.form.get("scheduled_for"), "scheduled_for"),
            published_at=parse_when(request.form.get("published_at"), "published_at"),
            public_url=request.form.get("public_url", ""),
        )
        return f"Moved to {services.STAGE_LABELS[proposal.stage].lower()}."

    return _act(proposal_id, action, "stage")


@bp.route("/proposals/<int:proposal_id>/sensitive", methods=["POST"])
@access("signed_in")
def sensitive(proposal_id: int):
    """Mark sensitive (needs a leader's sign-off) or clear the flag."""
    wanted = request.form.get("sensitive") == "1"

    def action(proposal: Proposal) -> str:
        stages.set_sensitive(current_user, proposal, wanted)
        return (
            "Marked sensitive: a leader must sign it off before approval."
            if wanted
            else "No longer marked sensitive."
        )

    return _act(proposal_id, action, "stage")


@bp.route("/proposals/<int:proposal_id>/signoff", methods=["POST"])
@access("signed_in")
def signoff(proposal_id: int):
    """A leader signs off the current draft (signed=1) or takes it back (signed=0)."""
    wanted = request.form.get("signed", "1") == "1"

    def action(proposal: Proposal) -> str:
        stages.sign_off(current_user, proposal, wanted)
        return "Signed off." if wanted else "Sign-off taken back."

    return _act(proposal_id, action, "stage")


@bp.route("/proposals/<int:proposal_id>/signoff-request", methods=["POST"])
@access("signed_in")
def request_signoff(proposal_id: int):
    """Ask a leader to sign off a sensitive proposal."""
    leader_id = parse_id(request.form.get("leader_id"))

    def action(proposal: Proposal) -> str:
        leader = db.session.get(User, leader_id) if leader_id else None
        stages.request_sign_off(current_user, proposal, leader)
        return f"{leader.name} has been asked to sign it off."

    return _act(proposal_id, action, "stage")


@bp.route("/proposals/<int:proposal_id>/results", methods=["POST"])
@access("signed_in")
def results(proposal_id: int):
    """The comms team record the public link, reach and engagements."""

    def action(proposal: Proposal) -> str:
        stages.record_results(
            current_user,
            proposal,
            parse_figure(request.form.get("reach"), "reach"),
            parse_figure(request.form.get("engagements"), "engagements"),
            request.form.get("public_url", ""),
        )
        return "Results saved."

    return _act(proposal_id, action, "results")
