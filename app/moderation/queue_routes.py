"""Thin views for moderators: the queue, a case in context, claiming, deciding, appeals, restrictions."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import ValidationError
from app.extensions import db
from app.forms import parse_id
from app.moderation import appeals, bp, decisions, explanations, labels, queue, restrictions
from app.moderation.cases import get_case
from app.permissions import access
from app.policy.services import current_version, get_clause
from app.security import local_path


@bp.route("/moderation")
@access("moderator")
def queue_index():
    """The queue: new, in review or decided cases, highest severity and oldest first."""
    status = request.args.get("status", "new")
    try:
        cases, next_cursor = queue.queue_page(current_user, status, request.args.get("cursor"))
    except ValidationError:
        return redirect(url_for("moderation.queue_index"))
    return render_template(
        "moderation/queue.html",
        cases=cases,
        status=status,
        next_cursor=next_cursor,
        counts=queue.tab_counts(current_user),
        labels=labels,
    )


def _render_case(case, errors: dict | None = None, form=None, status: int = 200):
    clause_keys = {r.clause.key for r in case.reports if r.clause}
    chosen_template = parse_id(request.args.get("template"))
    template = next((t for t in explanations.templates_for(clause_keys) if t.id == chosen_template), None)
    version = current_version()
    first_clause = next((r.clause for r in case.reports if r.clause), None)
    form = form if form is not None else {}
    if template is not None and not form:
        clause = get_clause(parse_id(request.args.get("clause_id")) or 0) or first_clause
        form = {
            "template_id": str(template.id),
            "intent": template.intent or request.args.get("intent", ""),
            "clause_id": str(clause.id) if clause else "",
            "explanation": explanations.fill(template.body, case.author, clause),
        }
    return render_template(
        "moderation/case.html",
        case=case,
        context=queue.case_context(case),
        templates=explanations.templates_for(clause_keys),
        clauses=list(version.clauses) if version else [],
        default_clause=first_clause,
        errors=errors or {},
        form=form,
        labels=labels,
        restriction_days=current_app.config["MODERATION_RESTRICTION_DAYS"],
    ), status


@bp.route("/moderation/cases/<int:case_id>")
@access("moderator")
def case_detail(case_id: int):
    """A case: the item in its thread, its edits, the reports and the author's past outcomes."""
    return _render_case(get_case(current_user, case_id))


@bp.route("/moderation/cases/<int:case_id>/claim", methods=["POST"])
@access("moderator")
def claim(case_id: int):
    """Start reviewing a case (or take over a claim left for over an hour)."""
    case = get_case(current_user, case_id)
    try:
        decisions.claim(current_user, case)
    except ValidationError as exc:
        flash(exc.fields["form"], "error")
    else:
        db.session.commit()
    return redirect(url_for("moderation.case_detail", case_id=case.id))


@bp.route("/moderation/cases/<int:case_id>/release", methods=["POST"])
@access("moderator")
def release(case_id: int):
    """Put a case back in the queue for someone else."""
    case = get_case(current_user, case_id)
    try:
        decisions.release(current_user, case)
    except ValidationError as exc:
        flash(exc.fields["form"], "error")
        return redirect(url_for("moderation.case_detail", case_id=case.id))
    db.session.commit()
    flash("The case is back in the queue.", "success")
    return redirect(url_for("moderation.queue_index"))


def _chosen_id(raw: str | None) -> int | None:
    """None when nothing was chosen; 0 (which matches nothing) when the value can't be an id."""
    return (parse_id(raw) or 0) if raw else None


@bp.route("/moderation/cases/<int:case_id>/decide", methods=["POST"])
@access("moderator")
def decide(case_id: int):
    """Decide the case with an explanation; the author and the reporters are told."""
    case = get_case(current_user, case_id)
    form = request.form
    try:
        made = decisions.decide(
            current_user,
            case,
            form.get("intent", ""),
            _chosen_id(form.get("clause_id")),
            _chosen_id(form.get("template_id")),
            form.get("explanation", ""),
        )
    except ValidationError as exc:
        return _render_case(case, exc.fields, form, 422)
    db.session.commit()
    flash(
        f"Decided: {labels.INTENT_LABELS[made.intent]}. The author and any reporters have been told.",
        "success",
    )
    return redirect(url_for("moderation.case_detail", case_id=case.id))


@bp.route("/moderation/cases/<int:case_id>/restrict", methods=["POST"])
@access("moderator")
def restrict(case_id: int):
    """Pause the author's posting for a number of days (suggested after repeat strikes)."""
    case = get_case(current_user, case_id)
    last = case.decisions[-1] if case.decisions else None
    try:
        restrictions.restrict(
            current_user,
            case.author,
            parse_id(request.form.get("days")),
            request.form.get("reason", ""),
            last,
        )
    except ValidationError as exc:
        return _render_case(case, {f"restrict_{k}": v for k, v in exc.fields.items()}, request.form, 422)
    db.session.commit()
    flash(
        f"{case.author.name} can't post or reply until the restriction ends. They have been told.", "success"
    )
    return redirect(url_for("moderation.case_detail", case_id=case.id))


@bp.route("/moderation/restrictions/<int:restriction_id>/lift", methods=["POST"])
@access("moderator")
def lift(restriction_id: int):
    """End a posting restriction early."""
    row = restrictions.get_restriction(restriction_id)
    restrictions.lift(current_user, row, request.form.get("reason", ""))
    db.session.commit()
    flash("The restriction has been lifted.", "success")
    return redirect(safe_next(url_for("moderation.queue_index")))


def safe_next(default: str) -> str:
    """The local page named in the form's `next`, else the default."""
    return local_path(request.form.get("next")) or default


@bp.route("/moderation/appeals")
@access("moderator")
def appeals_index():
    """Appeals waiting for a moderator who didn't make the original decision."""
    return render_template(
        "moderation/appeals.html",
        appeals=appeals.open_appeals(current_user),
        counts=queue.tab_counts(current_user),
        labels=labels,
        errors={},
        form={},
        failed=None,
    )


@bp.route("/moderation/appeals/<int:appeal_id>/decide", methods=["POST"])
@access("moderator")
def decide_appeal(appeal_id: int):
    """Uphold or overturn a decision on appeal, with a response to the author."""
    row = appeals.get_appeal(current_user, appeal_id)
    try:
        appeals.decide_appeal(
            current_user, row, request.form.get("outcome", ""), request.form.get("response", "")
        )
    except ValidationError as exc:
        return render_template(
            "moderation/appeals.html",
            appeals=appeals.open_appeals(current_user),
            counts=queue.tab_counts(current_user),
            labels=labels,
            errors=exc.fields,
            form=request.form,
            failed=row.id,
        ), 422
    db.session.commit()
    flash(
        f"Appeal answered: {labels.APPEAL_LABELS[row.status].lower()}. The author has been told.", "success"
    )
    return redirect(url_for("moderation.appeals_index"))
