"""Thin views: the policy and its acceptance, old versions, publishing, the export and guidance."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import ValidationError
from app.extensions import db
from app.forms import parse_id
from app.models import SEVERITIES
from app.permissions import access
from app.policy import bp, changes, gate, guidance, services
from app.security import local_path

bp.record_once(lambda state: gate.init_app(state.app))
EXTRA_ROWS = 2  # blank clause rows offered below the others


def _safe_next(raw: str | None) -> str:
    return local_path(raw) or url_for("main.home")


@bp.route("/policy")
@access("signed_in")
def show():
    """The current policy; if I haven't accepted it, what changed since I last did and the accept button."""
    current = services.current_version()
    mine = services.last_accepted(current_user)
    diff = None
    if current is not None and mine is not None and mine.version_id != current.id:
        diff = changes.compare(mine.version, current)
    return render_template(
        "policy/show.html",
        version=current,
        mine=mine,
        diff=diff,
        pending=current is not None and services.needs_acceptance(current_user),
        next=request.args.get("next", ""),
        versions=services.all_versions(),
        severities=SEVERITIES,
    )


@bp.route("/policy/versions/<int:number>")
@access("signed_in")
def version(number: int):
    """An earlier (or the current) version as it was published, and what changed from the one before."""
    shown = services.get_version(number)
    previous = services.get_version(number - 1) if number > 1 else None
    return render_template(
        "policy/version.html",
        version=shown,
        diff=changes.compare(previous, shown) if previous else None,
        previous=previous,
        current=services.current_version(),
        severities=SEVERITIES,
    )


@bp.route("/policy/accept", methods=["POST"])
@access("signed_in")
def accept():
    """Accept the version I was shown, then go back to what I was doing."""
    number = parse_id(request.form.get("version"))
    try:
        services.accept(current_user, number)
    except ValidationError as exc:
        flash(exc.fields["version"], "error")
        return redirect(url_for("policy.show", next=request.form.get("next", "")))
    db.session.commit()
    flash("Thank you. You've accepted the acceptable use policy and can post.", "success")
    return redirect(_safe_next(request.form.get("next")))


def _editor(drafts, errors: dict, summary: str, status: int = 200):
    current = services.current_version()
    return render_template(
        "policy/manage.html",
        drafts=drafts,
        blank_rows=EXTRA_ROWS,
        errors=errors,
        summary=summary,
        current=current,
        versions=services.all_versions(),
        counts=services.acceptance_counts(),
        severities=SEVERITIES,
    ), status


@bp.route("/policy/manage", methods=["GET", "POST"])
@access("admin")
def manage():
    """Publish a new version, starting from the current one (or from the suggested first policy)."""
    if request.method == "GET":
        return _editor(services.drafts_from_version(services.current_version()), {}, "")
    drafts = services.drafts_from_form(request.form)
    summary = request.form.get("summary", "")
    if request.form.get("action") == "add_row":  # no JavaScript needed for another row
        return _editor(drafts + [services.ClauseDraft("", "", "", "2")], {}, summary)
    try:
        published = services.publish(current_user, drafts, summary)
    except ValidationError as exc:
        return _editor(drafts, exc.fields, summary, 422)
    db.session.commit()
    flash(f"Version {published.number} is published. Everyone will be asked to accept it.", "success")
    return redirect(url_for("policy.manage"))


@bp.route("/policy/acceptances.csv", methods=["POST"])
@access("admin")
def export_acceptances():
    """Download who accepted which version and when (one version, or all)."""
    number = parse_id(request.form.get("version"))
    chosen = services.get_version(number) if number else None
    body = services.acceptances_csv(current_user, chosen)
    db.session.commit()
    name = f"policy-acceptances-v{chosen.number}.csv" if chosen else "policy-acceptances.csv"
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.route("/guidance")
@access("signed_in")
def guidance_index():
    """The policy in brief, practical guides and lunch-and-learn sessions on social media."""
    return render_template(
        "guidance/index.html",
        version=services.current_version(),
        guides=guidance.GUIDES,
        sessions=guidance.social_media_sessions(current_user),
        sessions_topic=guidance.SESSIONS_TOPIC,
    )


@bp.route("/guidance/<slug>")
@access("signed_in")
def guide(slug: str):
    """One practical guide."""
    chosen = guidance.get_guide(slug)
    return render_template("guidance/guide.html", guide=chosen, guides=guidance.GUIDES)
