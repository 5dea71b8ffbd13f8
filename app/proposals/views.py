"""Helpers the proposal views share: reading forms, and rendering the proposal page and its fragments."""

from datetime import UTC, datetime

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select

from app.errors import ValidationError
from app.extensions import db
from app.forms import parse_id
from app.models import Community, Membership, Proposal, User
from app.permissions import has_role
from app.permissions.proposals import (
    allowed_moves,
    can_clear_sensitive,
    can_edit_proposal,
    can_endorse,
    can_flag_sensitive,
    can_record_results,
    can_sign_off,
    can_suggest,
    runs_pipeline,
)
from app.posts.replies import thread_replies
from app.posts.views import writable_communities
from app.proposals import counting
from app.proposals.buyin import buy_in
from app.proposals.channels import active_channels
from app.proposals.services import ProposalInput, active_objectives
from app.proposals.suggestions import preview, suggestions_for

MOVE_LABELS = {
    ("idea", "review"): "Start review",
    ("review", "idea"): "Back to ideas",
    ("review", "approved"): "Approve",
    ("approved", "review"): "Reopen review",
    ("approved", "scheduled"): "Mark scheduled",
    ("scheduled", "approved"): "Unschedule",
    ("approved", "published"): "Mark published",
    ("scheduled", "published"): "Mark published",
    ("declined", "idea"): "Resubmit",
    ("withdrawn", "idea"): "Resubmit",
}


def fetch_wants_fragment() -> bool:
    """True when static/js asked for an HTML fragment or a JSON answer instead of a page."""
    return request.headers.get("X-Requested-With") == "fetch"


def proposal_input(form) -> ProposalInput:
    """The proposal form's fields (ids that can't be ids become None, and the service explains)."""
    return ProposalInput(
        channel_id=parse_id(form.get("channel_id")),
        draft=form.get("draft", ""),
        why=form.get("why", ""),
        reputation_worst=form.get("reputation_worst", ""),
        reputation_record=form.get("reputation_record", ""),
        objective_id=parse_id(form.get("objective_id")),
        has_image=form.get("has_image") == "1",
        alt_text=form.get("alt_text", ""),
        sensitive=form.get("sensitive") == "1",
        community_id=parse_id(form.get("community_id")),
        confirm_sensitive=form.get("confirm_sensitive") == "1",
    )


def parse_when(raw: str | None, field: str) -> datetime | None:
    """A datetime-local value (read as UTC) or an ISO 8601 time; None when blank."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw) if len(raw) <= 40 else None
    except ValueError:
        value = None
    if value is None or not 2000 <= value.year <= 2100:
        raise ValidationError({field: "Give a date and time, e.g. 2026-12-04 09:30."})
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_figure(raw: str | None, field: str) -> int | None:
    """A whole number from a form, or None when blank."""
    raw = (raw or "").strip().replace(",", "")
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise ValidationError({field: "Use a whole number, 0 or more."})
    return int(raw)


def form_context(errors: dict, form, source=None, proposal: Proposal | None = None) -> dict:
    """What the new and edit forms need: channels, objectives, where it can be shared."""
    channels = active_channels()
    if proposal is not None and proposal.channel not in channels:
        channels.append(proposal.channel)
    objectives = active_objectives()
    if proposal is not None and proposal.objective and proposal.objective not in objectives:
        objectives.append(proposal.objective)
    return {
        "errors": errors,
        "form": form,
        "source": source,
        "proposal": proposal,
        "channels": channels,
        "objectives": objectives,
        "communities": writable_communities(current_user),
    }


def community_reach(community: Community) -> dict[str, int]:
    """Who can see a proposal shared here: members, comms officers and leaders among them."""
    if community.visibility == "public" or community.is_all_staff:
        return {}
    roles = list(
        db.session.scalars(
            select(User.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.community_id == community.id, User.deactivated_at.is_(None))
        )
    )
    return {
        "members": len(roles),
        "comms": sum(1 for r in roles if r in ("comms", "admin")),
        "leaders": sum(1 for r in roles if r in ("leader", "admin")),
    }


def leaders_who_can_sign(proposal: Proposal) -> list[User]:
    """Leaders who could sign this proposal off (for "ask a leader")."""
    people = db.session.scalars(
        select(User)
        .where(User.role.in_(("leader", "admin")), User.deactivated_at.is_(None))
        .order_by(User.name)
    )
    return [person for person in people if can_sign_off(person, proposal)]


def live_context(proposal: Proposal, errors: dict | None = None, form=None) -> dict:
    """What the proposal page's live side panel needs (stage, sign-off, buy-in, results)."""
    me = current_user
    open_text = proposal.stage in ("idea", "review")
    return {
        "proposal": proposal,
        "errors": errors or {},
        "form": form or {},
        "buyin": buy_in(me, proposal),
        "moves": [(to, MOVE_LABELS.get((proposal.stage, to))) for to in allowed_moves(me, proposal)],
        "may": {
            "edit": can_edit_proposal(me, proposal),
            "endorse": can_endorse(me, proposal),
            "sign_off": can_sign_off(me, proposal),
            "flag": open_text and not proposal.sensitive and can_flag_sensitive(me, proposal),
            "unflag": open_text and proposal.sensitive and can_clear_sensitive(me, proposal),
            "results": can_record_results(me, proposal),
            "pipeline": runs_pipeline(me),
            "ask_leader": (runs_pipeline(me) or proposal.proposer_id == me.id)
            and proposal.sensitive
            and not proposal.signed_off
            and proposal.stage in ("idea", "review"),
        },
        "leaders": [],
        "length": counting.count(proposal.draft, proposal.channel.counting),
        "reach": community_reach(proposal.community),
    }


def render_proposal(proposal: Proposal, errors: dict | None = None, form=None, status: int = 200):
    """The proposal page, with any action's errors beside its form and the input kept."""
    from app.feeds.queries import decorate

    context = live_context(proposal, errors, form)
    if context["may"]["ask_leader"]:
        context["leaders"] = leaders_who_can_sign(proposal)
    post = proposal.post
    suggestions = suggestions_for(proposal)
    return render_template(
        "proposals/show.html",
        **context,
        post=post,
        page=decorate(current_user, [post]),
        replies=thread_replies(current_user, post),
        suggestions=[(s, preview(proposal, s)) for s in suggestions],
        can_suggest=can_suggest(current_user, proposal),
        source_visible=_source_visible(proposal),
        moderate=has_role(current_user, "moderator"),
    ), status


def _source_visible(proposal: Proposal) -> bool:
    from app.posts.services import can_see_post

    source = proposal.source_post
    return source is not None and can_see_post(current_user, source)
