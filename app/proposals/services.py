"""Proposal services: propose (from a post or from scratch), edit, and the version kept for every change."""

from dataclasses import dataclass

from sqlalchemy import exists, select

from app import events
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import clean_text, strip_control
from app.models import Community, Objective, Post, Proposal, ProposalChannel, User, utcnow
from app.notifications.services import notify, register_kinds
from app.permissions.proposals import can_edit_proposal, can_see_proposal
from app.posts import screening
from app.posts.rendering import render_body, set_post_topics
from app.posts.services import can_write_in, create_post, get_post
from app.proposals import counting
from app.proposals.versions import DRAFT_FIELDS, FIELD_LABELS, add_version
from app.sanitize import plain_text

MAX_DRAFT = 20_000
MAX_CASE = 2_000
MAX_ALT = 1_000
STAGE_LABELS = {
    "idea": "Idea",
    "review": "In review",
    "approved": "Approved",
    "scheduled": "Scheduled",
    "published": "Published",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
}
register_kinds(
    proposal_from_post="Someone proposes my post for a public channel",
    proposal_stage="My proposal moves to a new stage",
    proposal_suggestion="Someone suggests an edit to my proposal",
    proposal_suggestion_decided="My suggested edit is accepted or dismissed",
    proposal_signoff_requested="I'm asked to sign off a sensitive proposal",
    proposal_review_weekly="The weekly list of proposals ready for review (comms)",
)


@dataclass
class ProposalInput:
    """What a proposer fills in; ids are None when absent or not a valid id."""

    channel_id: int | None
    draft: str
    why: str
    reputation_worst: str
    reputation_record: str
    objective_id: int | None = None
    has_image: bool = False
    alt_text: str = ""
    sensitive: bool = False
    community_id: int | None = None
    # The proposer saw the sensitive-content warning and proposes anyway (recorded).
    confirm_sensitive: bool = False


SCREENED = ("draft", "why", "alt_text")


def _screen(author: User, values: dict, confirmed: bool, before: Proposal | None = None) -> list:
    """The sensitive-content warning over what goes public and the case for it (only what changed,
    when editing: unchanged text was confirmed when it was written)."""
    texts = {f: values[f] for f in SCREENED if before is None or getattr(before, f) != values[f]}
    return screening.check_sensitive(author, {f: t for f, t in texts.items() if t}, confirmed)


def active_objectives() -> list[Objective]:
    """Objectives a proposal may serve (the catalogue's non-archived ones)."""
    return list(
        db.session.scalars(select(Objective).where(Objective.archived_at.is_(None)).order_by(Objective.name))
    )


def _objectives_exist() -> bool:
    return bool(db.session.scalar(select(exists().where(Objective.archived_at.is_(None)))))


def length_message(channel: ProposalChannel, length: int) -> str:
    """The over-the-limit message, in the channel's own terms."""
    rule = " (links count 23, emoji and CJK characters count 2)" if channel.counting == "x_weighted" else ""
    return (
        f"This is {length:,} characters by {channel.name}'s count{rule}; its limit is "
        f"{channel.char_limit:,}. Cut {length - channel.char_limit:,}."
    )


def _required(errors: dict, field: str, value: str, message: str, limit: int) -> None:
    if not value.strip():
        errors[field] = message
    elif len(value) > limit:
        errors[field] = f"Keep this under {limit:,} characters (it's {len(value):,})."


def clean_draft(text: str | None) -> str:
    """Text as typed, control characters dropped and line breaks as one character each (browsers send
    CRLF; the live count in the page sees LF, and so must the server's count)."""
    return strip_control(text).replace("\r\n", "\n").replace("\r", "\n")


def _multiline(text: str | None) -> str:
    return clean_text(clean_draft(text), multiline=True)


def check(data: ProposalInput, current: Proposal | None = None) -> tuple[dict, dict[str, str]]:
    """Clean and validate a proposal's fields: (values, errors). The channel's count rule decides length."""
    draft = clean_draft(data.draft).strip()
    values = {
        "draft": draft,
        "why": _multiline(data.why),
        "reputation_worst": _multiline(data.reputation_worst),
        "reputation_record": _multiline(data.reputation_record),
        "alt_text": _multiline(data.alt_text),
        "has_image": bool(data.has_image),
    }
    errors: dict[str, str] = {}
    channel = db.session.get(ProposalChannel, data.channel_id) if data.channel_id else None
    if channel is None or (
        channel.archived_at is not None and (current is None or current.channel_id != channel.id)
    ):
        errors["channel_id"] = "Choose the channel it's for."
    values["channel"] = channel
    if not draft:
        errors["draft"] = "Write the text as it would appear in public."
    elif len(draft) > MAX_DRAFT:
        errors["draft"] = f"Keep the draft under {MAX_DRAFT:,} characters (it's {len(draft):,})."
    elif channel is not None and channel.char_limit is not None:
        length = counting.count(draft, channel.counting)
        if length > channel.char_limit:
            errors["draft"] = length_message(channel, length)
    needs_alt = values["has_image"] or counting.references_image(draft)
    values["has_image"] = needs_alt
    if needs_alt and not values["alt_text"]:
        errors["alt_text"] = "Describe the image for people who can't see it (alt text)."
    elif len(values["alt_text"]) > MAX_ALT:
        errors["alt_text"] = f"Keep alt text under {MAX_ALT:,} characters."
    _required(errors, "why", values["why"], "Say why this is worth saying publicly.", MAX_CASE)
    _required(
        errors,
        "reputation_worst",
        values["reputation_worst"],
        "Say how the public could read this at its worst (\u201cI can't see one\u201d is an answer).",
        MAX_CASE,
    )
    _required(
        errors,
        "reputation_record",
        values["reputation_record"],
        "Say whether anything in our own record could be set beside it (\u201cNothing we know of\u201d if so).",
        MAX_CASE,
    )
    objective = db.session.get(Objective, data.objective_id) if data.objective_id else None
    if (
        objective is not None
        and objective.archived_at is not None
        and (current is None or current.objective_id != objective.id)
    ):
        objective = None
    if objective is None and (data.objective_id is not None or _objectives_exist()):
        errors["objective_id"] = "Choose the objective this serves."
    values["objective"] = objective
    return values, errors


def record_event(name: str, proposal: Proposal, actor: User | None, **data) -> None:
    """A proposal event for everyone who may see the proposal (its community's readers)."""
    events.record(
        name,
        actor=actor,
        community_id=proposal.community_id,
        proposal_id=proposal.id,
        post_id=proposal.post_id,
        stage=proposal.stage,
        actor_id=actor.id if actor else None,
        **data,
    )


def audience_for(proposer: User, community_id: int | None, source: Post | None) -> Community:
    """Where a proposal is shared: the chosen community, else the source post's non-public community,
    else All staff. The proposer must be able to post there."""
    from app.communities.services import all_staff

    if community_id is not None:
        community = db.session.get(Community, community_id)
    elif source is not None and source.community.visibility != "public":
        community = source.community
    else:
        community = all_staff()
    if community is None or not can_write_in(proposer, community):
        raise ValidationError({"community_id": "Choose a community you belong to."})
    return community


def create_proposal(proposer: User, data: ProposalInput, source_post_id: int | None = None) -> Proposal:
    """Propose content for a public channel; its thread is a post in the community it is shared in."""
    source = get_post(proposer, source_post_id) if source_post_id else None
    if source is not None and (source.kind == "proposal" or source.status != "visible"):
        raise ValidationError({"source_post_id": "Propose from a post, not from another proposal."})
    values, errors = check(data)
    try:
        community = audience_for(proposer, data.community_id, source)
    except ValidationError as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationError(errors)
    findings = _screen(proposer, values, data.confirm_sensitive)
    # Confirmed above (as "why", the form's name for it): the post records its own body's.
    post = create_post(proposer, values["why"], community, confirm_sensitive=True)
    post.kind = "proposal"
    post.objective_id = values["objective"].id if values["objective"] else None
    proposal = Proposal(
        post=post,
        community=community,
        proposer=proposer,
        channel=values["channel"],
        source_post=source,
        objective=values["objective"],
        draft=values["draft"],
        has_image=values["has_image"],
        alt_text=values["alt_text"],
        why=values["why"],
        reputation_worst=values["reputation_worst"],
        reputation_record=values["reputation_record"],
        sensitive=bool(data.sensitive),
    )
    db.session.add(proposal)
    add_version(proposal, proposer, "Proposed", list(DRAFT_FIELDS))
    screening.sensitive_confirmed(
        proposer, "proposal", proposal.id, [f for f in findings if f.field != "why"]
    )
    if source is not None and source.author_id != proposer.id and can_see_proposal(source.author, proposal):
        notify(
            source.author_id,
            "proposal_from_post",
            actor=proposer,
            community=community,
            proposal_id=proposal.id,
            channel=values["channel"].name,
            excerpt=plain_text(source.body_source, 100),
        )
    record_event("proposal_created", proposal, proposer)
    return proposal


def _sync_post(proposal: Proposal, actor: User) -> None:
    """The thread's post says why it's worth saying; keep it (and its objective) in step."""
    post = proposal.post
    post.objective_id = proposal.objective_id
    if post.body_source != proposal.why and post.status != "deleted":
        rendered, _ = render_body(proposal.why)
        post.body_source, post.body_html, post.render_version = proposal.why, rendered.html, rendered.version
        post.edited_at = utcnow()
        set_post_topics(post.id, rendered.topics)
        events.record("post_updated", actor=actor, community_id=post.community_id, post_id=post.id)


def edit_proposal(actor: User, proposal: Proposal, data: ProposalInput) -> Proposal:
    """The proposer edits; each edit is a new version (and a new draft needs a new sign-off)."""
    if not can_edit_proposal(actor, proposal):
        raise PermissionDenied(
            "Only the proposer can edit, until it is approved."
            if proposal.stage not in ("approved", "scheduled", "published")
            else "Approved text is locked. Ask the comms team to move it back to review to change it."
        )
    values, errors = check(data, current=proposal)
    if errors:
        raise ValidationError(errors)
    findings = _screen(actor, values, data.confirm_sensitive, before=proposal)
    screening.sensitive_confirmed(actor, "proposal", proposal.id, findings)
    changed = []
    updates = {
        "channel": values["channel"],
        "objective": values["objective"],
        **{
            f: values[f]
            for f in ("draft", "has_image", "alt_text", "why", "reputation_worst", "reputation_record")
        },
    }
    for field, value in updates.items():
        if getattr(proposal, field) != value:
            setattr(proposal, field, value)
            changed.append(field)
    if data.sensitive and not proposal.sensitive:
        proposal.sensitive = True
        changed.append("sensitive")
    if not changed:
        return proposal
    names = ", ".join(FIELD_LABELS[f].lower() for f in changed)
    add_version(proposal, actor, f"Edited {names}"[:200], changed)
    _sync_post(proposal, actor)
    record_event("proposal_updated", proposal, actor, version=proposal.version)
    return proposal


def get_proposal(user: User, proposal_id: int) -> Proposal:
    """The proposal if the person may see it; NotFound otherwise (never reveals it exists)."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not can_see_proposal(user, proposal):
        raise NotFound("We couldn't find that proposal.")
    return proposal
