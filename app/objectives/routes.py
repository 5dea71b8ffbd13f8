"""Thin views for objectives: the catalogue (admins), objective pages, community defaults, the picker."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.communities.queries import require_manager
from app.communities.services import get_visible_community
from app.errors import ValidationError
from app.extensions import db
from app.feeds.routes import render_feed
from app.insights.objective_stats import objective_totals
from app.models import TARGET_METRICS, utcnow
from app.objectives import bp, cards, services  # noqa: F401 - cards registers its loader
from app.permissions import access

FIELDS = ("name", "description", "owner_id", "starts_on", "ends_on", *(f"target_{m}" for m in TARGET_METRICS))


@bp.app_template_global("objective_choices")
def objective_choices():
    """Active objectives for pickers (templates/objectives/_macros.html)."""
    return services.active_objectives()


@bp.route("/objectives")
@access("signed_in")
def index():
    """The objectives the organisation is working towards, each with its figures."""
    objectives = services.active_objectives()
    return render_template(
        "objectives/index.html",
        objectives=objectives,
        totals=objective_totals([o.id for o in objectives]),
    )


@bp.route("/objectives/<int:objective_id>")
@access("signed_in")
def show(objective_id: int):
    """An objective: what it is, its figures, and everything tagged with it."""
    objective = services.get_objective(objective_id)
    return render_feed(
        "objectives/show.html",
        services.objective_feed(current_user, objective),
        objective=objective,
        totals=objective_totals([objective.id]).get(objective.id),
        targets=services.targets_of(objective),
        target_labels=services.TARGET_LABELS,
        links=services.tagged_links(current_user, objective),
        sessions=services.tagged_sessions(current_user, objective),
        now=utcnow(),
        feed_kind="objective",
    )


def _form_fields() -> dict[str, str]:
    return {key: request.form.get(key, "") for key in FIELDS}


@bp.route("/admin/objectives", methods=["GET", "POST"])
@access("admin")
def catalogue():
    """Admins: every objective, and a form to add one."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            objective = services.create_objective(current_user, _form_fields())
        except ValidationError as exc:
            errors = exc.fields
            db.session.rollback()
        else:
            db.session.commit()
            flash(f"{objective.name} has been added to the catalogue.", "success")
            return redirect(url_for("objectives.catalogue"))
    return render_template(
        "admin/objectives.html",
        objectives=services.all_objectives(),
        leaders=[(u.id, u.name) for u in services.leader_choices()],
        errors=errors,
        form=request.form,
        target_labels=services.TARGET_LABELS,
    ), 422 if errors else 200


@bp.route("/admin/objectives/<int:objective_id>", methods=["GET", "POST"])
@access("admin")
def edit(objective_id: int):
    """Admins: change an objective's details and the targets that trigger a celebration."""
    objective = services.get_objective(objective_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.update_objective(current_user, objective, _form_fields())
        except ValidationError as exc:
            errors = exc.fields
            db.session.rollback()
            objective = services.get_objective(objective_id)
        else:
            db.session.commit()
            flash(f"{objective.name} has been saved.", "success")
            return redirect(url_for("objectives.catalogue"))
    targets = services.targets_of(objective)
    values = {
        "name": objective.name,
        "description": objective.description,
        "owner_id": objective.owner_id or "",
        "starts_on": objective.starts_on.isoformat() if objective.starts_on else "",
        "ends_on": objective.ends_on.isoformat() if objective.ends_on else "",
        **{f"target_{m}": targets.get(m, "") for m in TARGET_METRICS},
    }
    return render_template(
        "admin/objective.html",
        objective=objective,
        leaders=[(u.id, u.name) for u in services.leader_choices(objective.owner)],
        errors=errors,
        form=request.form if request.method == "POST" else values,
        target_labels=services.TARGET_LABELS,
    ), 422 if errors else 200


@bp.route("/admin/objectives/<int:objective_id>/archive", methods=["POST"])
@access("admin")
def archive(objective_id: int):
    """Admins: archive an objective (kept, but no longer offered) or restore it."""
    objective = services.get_objective(objective_id)
    archived = request.form.get("archived") == "1"
    services.set_archived(current_user, objective, archived)
    db.session.commit()
    flash(f"{objective.name} is {'archived' if archived else 'active again'}.", "success")
    return redirect(url_for("objectives.catalogue"))


@bp.route("/communities/<slug>/default-objective", methods=["POST"])
@access("signed_in")
def community_default(slug: str):
    """Community managers: the objective posts here serve unless their author picks another."""
    community = get_visible_community(current_user, slug)
    require_manager(current_user, community)
    try:
        objective = services.set_community_default(
            current_user, community, request.form.get("default_objective_id", "")
        )
    except ValidationError as exc:
        db.session.rollback()
        flash(" ".join(exc.fields.values()), "error")
        return redirect(url_for("communities.settings", slug=community.slug))
    db.session.commit()
    flash(
        f"New posts in {community.name} now serve {objective.name} unless their author picks another."
        if objective
        else f"Posts in {community.name} no longer have a default objective.",
        "success",
    )
    return redirect(url_for("communities.settings", slug=community.slug))
