"""Thin views for insights: the dashboard and its CSV exports, recording views, the HR establishment."""

from datetime import date, timedelta

import click
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app import audit
from app.db import writing
from app.errors import ValidationError
from app.extensions import db
from app.insights import (  # noqa: F401 - section modules register their sections, and jobs their tasks
    adoption,
    bp,
    contributors,
    engagement,
    establishment,
    links_section,
    milestones,
    objectives_section,
    privacy,
    rollup,
    sessions_section,
)
from app.insights.filters import Filters, parse_filters, unit_members
from app.insights.sections import build_section, dashboard
from app.insights.tables import cell, to_csv
from app.insights.views import parse_post_ids, record_views
from app.models import Community, Membership, User
from app.people.services import unit_choices
from app.permissions import access, can_see_insights, listed_communities


@bp.app_template_filter("figure")
def figure(value, kind: str = "int") -> str:
    """A dashboard figure as people read it (tables.cell)."""
    return cell(value, kind)


def _require_insights() -> None:
    if not can_see_insights(current_user):
        abort(403)


def _too_small(filters: Filters, minimum: int) -> str | None:
    """Why a filter can't be shown on its own (fewer people than the privacy threshold), if it can't."""
    if filters.unit is not None and unit_members(filters) < minimum:
        return f"Fewer than {minimum} people are in {filters.unit.name}, so its figures are only shown inside larger totals."
    if filters.community is not None:
        members = db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .join(User, User.id == Membership.user_id)
            .where(Membership.community_id == filters.community.id, User.deactivated_at.is_(None))
        )
        if (members or 0) < minimum:
            return f"Fewer than {minimum} people are in {filters.community.name}, so its figures are only shown inside larger totals."
    return None


@bp.route("/insights")
@access("signed_in")
def index():
    """The dashboard: adoption against headcount, engagement, contributors, objectives, updates."""
    _require_insights()
    minimum = privacy.threshold()
    errors: dict[str, str] = {}
    sections, filters, blocked = [], None, None
    try:
        filters = parse_filters(request.args, current_user)
    except ValidationError as exc:
        errors = exc.fields
    else:
        blocked = _too_small(filters, minimum)
        if blocked is None:
            sections = dashboard(filters, current_user, minimum)
    communities = db.session.scalars(listed_communities(current_user).order_by(Community.name)).all()
    return render_template(
        "insights/index.html",
        sections=sections,
        filters=filters,
        errors=errors,
        form=request.args,
        blocked=blocked,
        minimum=minimum,
        units=unit_choices(),
        communities=communities,
        rolled_up_at=rollup.last_rollup(),
    ), 422 if errors else 200


@bp.route("/insights/<section>/<table>.csv")
@access("signed_in")
def export(section: str, table: str):
    """One dashboard table as CSV, with the same filters as the page."""
    _require_insights()
    minimum = privacy.threshold()
    filters = parse_filters(request.args, current_user)
    if _too_small(filters, minimum):
        abort(404)
    built = build_section(section, filters, current_user, minimum)
    found = built.table(table) if built else None
    if found is None:
        abort(404)
    name = f"rollcall-{found.name}-{filters.start.isoformat()}-to-{filters.end.isoformat()}.csv"
    return Response(
        to_csv(found),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/insights/views", methods=["POST"])
@access("signed_in")
def views():
    """static/js/views.js reports posts that were on screen, in batches: {"post_ids": [...]}."""
    body = request.get_json(silent=True)
    ids = parse_post_ids(body.get("post_ids") if isinstance(body, dict) else None)
    record_views(current_user, ids)
    db.session.commit()
    return "", 204


@bp.route("/admin/establishment", methods=["GET", "POST"])
@access("admin")
def establishment_page():
    """Admins: import the HR establishment (CSV) and set the privacy threshold."""
    errors: dict[str, str] = {}
    problems: list[tuple[int, str]] = []
    status = 200
    if request.method == "POST":
        upload = request.files.get("file")
        try:
            count = establishment.import_establishment(current_user, upload.read() if upload else b"")
        except establishment.ImportRejected as exc:
            db.session.rollback()
            errors, problems, status = exc.fields, exc.rows, 422
        else:
            db.session.commit()
            flash(f"Establishment imported: {count} rows. The dashboard uses it straight away.", "success")
            return redirect(url_for("insights.establishment_page"))
    return render_template(
        "admin/establishment.html",
        rows=establishment.current(),
        imported_at=establishment.last_import(),
        errors=errors,
        problems=problems,
        threshold=privacy.threshold(),
        form={},
    ), status


@bp.route("/admin/establishment/privacy", methods=["POST"])
@access("admin")
def privacy_threshold():
    """Admins: the smallest group the dashboard shows on its own."""
    try:
        value = privacy.set_threshold(request.form.get("threshold", ""))
    except ValidationError as exc:
        db.session.rollback()
        return render_template(
            "admin/establishment.html",
            rows=establishment.current(),
            imported_at=establishment.last_import(),
            errors=exc.fields,
            problems=[],
            threshold=privacy.threshold(),
            form=request.form,
        ), 422
    audit.record(current_user, "settings.updated", insights_privacy_threshold=value)
    db.session.commit()
    flash(f"Groups smaller than {value} people are now only shown inside larger totals.", "success")
    return redirect(url_for("insights.establishment_page"))


@bp.cli.command("rollup")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="First day (default: 30 days ago).")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day (default: today).")
def rollup_command(since, until) -> None:
    """Rebuild the insights roll-up for a range of days (the jobs worker keeps it current)."""
    last = until.date() if until else date.today()
    first = since.date() if since else last - timedelta(days=29)
    if first > last:
        raise click.BadParameter("--since must be on or before --until")
    with writing():
        days = rollup.rollup_range(first, last)
        db.session.commit()
    click.echo(f"Rolled up {days} days, {first} to {last}.")
