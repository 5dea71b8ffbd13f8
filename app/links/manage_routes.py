"""Thin views for running curation: link numbers, choosing curators, and the previews allow-list."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import NotFound, ValidationError
from app.extensions import db
from app.forms import parse_id
from app.links import bp, curators, settings, stats
from app.permissions import access


def _period() -> int | None:
    raw = request.args.get("days", "")
    if raw == "all":
        return None
    value = parse_id(raw)
    return value if value in stats.PERIODS else stats.DEFAULT_PERIOD


@bp.route("/curated/stats")
@access("signed_in")
def link_stats():
    """Which gems land: per-link and per-curator clicks, clickers, saves and reactions."""
    days = _period()
    return render_template(
        "links/stats.html",
        links=stats.link_stats(current_user, days),
        curators=stats.curator_stats(current_user, days),
        days=days,
        periods=stats.PERIODS,
    )


def _render_curators(errors: dict | None = None, form=None):
    return render_template(
        "links/curators.html",
        grants=curators.active_grants(),
        revoked=curators.revoked_grants(),
        errors=errors or {},
        form=form or {},
    ), 422 if errors else 200


@bp.route("/curated/curators")
@access("comms")
def curator_list():
    """Who may curate links besides comms officers, and who granted it when."""
    return _render_curators()


@bp.route("/curated/curators", methods=["POST"])
@access("comms")
def grant():
    """Make a colleague a curator."""
    try:
        person = curators.find_person(request.form.get("person", ""))
        curators.grant_curator(current_user, person)
    except ValidationError as exc:
        db.session.rollback()
        return _render_curators(exc.fields, request.form)
    db.session.commit()
    flash(f"{person.name} can now share curated links.", "success")
    return redirect(url_for("links.curator_list"))


@bp.route("/curated/curators/<int:grant_id>/revoke", methods=["POST"])
@access("comms")
def revoke(grant_id: int):
    """Take a colleague's curator role back (their links stay)."""
    try:
        grant = curators.revoke_curator(current_user, grant_id)
    except NotFound as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("links.curator_list"))
    db.session.commit()
    flash(f"{grant.user.name} is no longer a curator.", "success")
    return redirect(url_for("links.curator_list"))


@bp.route("/admin/link-previews", methods=["GET", "POST"])
@access("admin")
def preview_settings():
    """Which intranet hosts link previews may fetch from (everything private is refused otherwise)."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            settings.update_allowlist(current_user, request.form.get("allowed_hosts", ""))
        except ValidationError as exc:
            errors = exc.fields
            db.session.rollback()
        else:
            db.session.commit()
            flash("Link preview settings saved.", "success")
            return redirect(url_for("links.preview_settings"))
    text = request.form.get("allowed_hosts") if errors else "\n".join(settings.allowlist())
    return render_template(
        "links/preview_settings.html",
        errors=errors,
        allowed_hosts=text,
        limits={name: settings.limit(name) for name in settings.DEFAULTS},
    ), 422 if errors else 200
