"""Thin views for proposal pages: the board, proposing, the proposal, its history, exports, fragments."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.errors import ValidationError
from app.extensions import db
from app.forms import parse_id
from app.models import Proposal, Unit
from app.permissions import access
from app.permissions.proposals import can_edit_proposal
from app.posts.services import get_post
from app.posts.views import split_refusal
from app.proposals import bp, export, queries, services
from app.proposals import webhooks as _webhooks  # noqa: F401 - importing registers its job task
from app.proposals import weekly as _weekly  # noqa: F401 - importing registers its job task
from app.proposals.channels import all_channels
from app.proposals.diff import word_diff
from app.proposals.services import STAGE_LABELS
from app.proposals.versions import DRAFT_FIELDS, FIELD_LABELS, get_version
from app.proposals.versions import versions as all_versions
from app.proposals.views import form_context, live_context, proposal_input, render_proposal

TEXT_FIELDS = ("draft", "alt_text", "why", "reputation_worst", "reputation_record", "decline_reason")


def _filter_choices() -> dict:
    return {
        "channels": all_channels(),
        "objectives": services.active_objectives(),
        "units": list(db.session.scalars(select(Unit).order_by(Unit.name))),
    }


@bp.route("/proposals")
@access("signed_in")
def board():
    """The pipeline: a column per stage, filtered by channel, objective and unit, live over Socket.IO."""
    filters = queries.Filters.from_args(request.args)
    return render_template(
        "proposals/board.html",
        board=queries.board(current_user, filters),
        filters=filters,
        stages=queries.BOARD_STAGES,
        **_filter_choices(),
    )


@bp.route("/proposals/review")
@access("comms")
def review():
    """Ideas and proposals in review, best supported first: the comms team's weekly list."""
    proposals, cards = queries.ready_for_review(current_user)
    return render_template("proposals/review.html", proposals=proposals, cards=cards)


@bp.route("/proposals/new")
@access("signed_in")
def new():
    """The proposal form, prefilled from a post when ?from_post= names one."""
    source_id = parse_id(request.args.get("from_post"))
    source = get_post(current_user, source_id) if source_id else None
    form = dict(request.args)
    if source is not None and "draft" not in form:
        form["draft"] = source.body_source
    return render_template("proposals/new.html", **form_context({}, form, source))


@bp.route("/proposals", methods=["POST"])
@access("signed_in")
def create():
    """Propose: errors re-show the form beside each field with everything kept."""
    source_id = parse_id(request.form.get("source_post_id"))
    source = get_post(current_user, source_id) if source_id else None
    try:
        proposal = services.create_proposal(current_user, proposal_input(request.form), source_id)
    except ValidationError as exc:
        db.session.rollback()
        errors, findings = split_refusal(exc)
        context = form_context(errors, request.form, source)
        return render_template("proposals/new.html", **context, sensitive=findings), 422
    db.session.commit()
    flash("Proposed. Colleagues can now endorse it, suggest edits and discuss it.", "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id))


@bp.route("/proposals/<int:proposal_id>")
@access("signed_in")
def show(proposal_id: int):
    """A proposal: the draft, the case for it, buy-in, suggestions, the stage and the discussion."""
    return render_proposal(services.get_proposal(current_user, proposal_id))


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@access("signed_in")
def edit(proposal_id: int):
    """The proposer edits; every save is a new version."""
    proposal = services.get_proposal(current_user, proposal_id)
    if not can_edit_proposal(current_user, proposal):
        abort(403)
    errors: dict[str, str] = {}
    findings: list = []
    if request.method == "POST":
        try:
            services.edit_proposal(current_user, proposal, proposal_input(request.form))
        except ValidationError as exc:
            db.session.rollback()
            proposal = services.get_proposal(current_user, proposal_id)
            errors, findings = split_refusal(exc)
        else:
            db.session.commit()
            flash("Saved as a new version.", "success")
            return redirect(url_for("proposals.show", proposal_id=proposal.id))
    form = request.form if request.method == "POST" else _form_values(proposal)
    return render_template(
        "proposals/edit.html", **form_context(errors, form, proposal=proposal), sensitive=findings
    ), (422 if errors or findings else 200)


def _form_values(proposal) -> dict:
    return {
        "channel_id": proposal.channel_id,
        "draft": proposal.draft,
        "has_image": "1" if proposal.has_image else "",
        "alt_text": proposal.alt_text,
        "objective_id": proposal.objective_id or "",
        "why": proposal.why,
        "reputation_worst": proposal.reputation_worst,
        "reputation_record": proposal.reputation_record,
        "sensitive": "1" if proposal.sensitive else "",
    }


@bp.route("/proposals/<int:proposal_id>/card")
@access("signed_in")
def card(proposal_id: int):
    """One board card (the live board fetches it); 404 when it no longer matches the board's filters."""
    proposal = services.get_proposal(current_user, proposal_id)
    filters = queries.Filters.from_args(request.args)
    if db.session.scalar(queries.filtered(current_user, filters).where(Proposal.id == proposal.id)) is None:
        abort(404)
    return render_template(
        "proposals/_board_card.html", proposal=proposal, cards=queries.cards(current_user, [proposal])
    )


@bp.route("/proposals/<int:proposal_id>/live")
@access("signed_in")
def live(proposal_id: int):
    """The proposal page's side panel (stage, sign-off, buy-in) as a fragment for live updates."""
    proposal = services.get_proposal(current_user, proposal_id)
    return render_template("proposals/_live.html", **live_context(proposal))


@bp.route("/proposals/<int:proposal_id>/versions")
@access("signed_in")
def versions(proposal_id: int):
    """Every change: who made it, what changed, and a link to compare any two versions."""
    proposal = services.get_proposal(current_user, proposal_id)
    return render_template("proposals/versions.html", proposal=proposal, versions=all_versions(proposal))


@bp.route("/proposals/<int:proposal_id>/compare")
@access("signed_in")
def compare(proposal_id: int):
    """Two versions side by side: a word diff of each text and old -> new for the rest."""
    proposal = services.get_proposal(current_user, proposal_id)
    newest = proposal.version
    to_number = parse_id(request.args.get("to")) or newest
    from_number = parse_id(request.args.get("from")) or max(1, to_number - 1)
    older, newer = get_version(proposal, from_number), get_version(proposal, to_number)
    rows = []
    for field, label in FIELD_LABELS.items():
        before, after = older.snapshot.get(field), newer.snapshot.get(field)
        if before == after:
            continue
        diff = word_diff(before or "", after or "") if field in TEXT_FIELDS else None
        rows.append({"field": field, "label": label, "before": before, "after": after, "diff": diff})
    return render_template(
        "proposals/compare.html",
        proposal=proposal,
        older=older,
        newer=newer,
        rows=rows,
        numbers=list(range(1, newest + 1)),
        draft_fields=DRAFT_FIELDS,
        stage_labels=STAGE_LABELS,
    )


@bp.route("/proposals/<int:proposal_id>/export.txt")
@access("signed_in")
def export_text(proposal_id: int):
    """The text to paste into the channel (with alt text), as a plain-text download."""
    proposal = services.get_proposal(current_user, proposal_id)
    return Response(
        export.final_text(proposal),
        mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="proposal-{proposal.id}.txt"'},
    )


@bp.route("/proposals/export.csv")
@access("signed_in")
def export_csv():
    """The proposals on the board (its filters apply) as CSV, safe to open in a spreadsheet."""
    filters = queries.Filters.from_args(request.args)
    stmt = queries.filtered(current_user, filters)
    stage = request.args.get("stage")
    if stage in STAGE_LABELS:
        stmt = stmt.where(Proposal.stage == stage)
    rows = list(db.session.scalars(stmt.limit(5000)).unique())
    return Response(
        export.to_csv(rows, queries.cards(current_user, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="proposals.csv"'},
    )


@bp.app_context_processor
def _proposal_globals() -> dict:
    """Stage names for every template (post cards and notifications show them too)."""
    return {"PROPOSAL_STAGE_LABELS": STAGE_LABELS}
