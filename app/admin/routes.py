"""Thin views for the admin area: overview, people, invitations, units and settings."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp, services
from app.admin import invitations as invitation_services
from app.admin import units as unit_services
from app.errors import ValidationError
from app.extensions import db
from app.people.services import people_page, unit_choices
from app.permissions import access

PEOPLE_FILTERS = ("status", "q", "cursor")


@bp.route("/admin")
@access("admin")
def index():
    """The overview: counts and a way into each admin page."""
    return render_template("admin/index.html", stats=services.overview())


def _people_filters(source) -> dict[str, str]:
    filters = {key: source.get(key, "") for key in PEOPLE_FILTERS}
    filters["status"] = filters["status"] or "active"
    return filters


def _render_people(filters: dict[str, str], row_errors: dict | None = None, row_id: int | None = None):
    errors: dict[str, str] = {}
    people, next_cursor = [], None
    try:
        stmt = services.people_list(filters["status"], filters["q"])
        people, next_cursor = people_page(stmt, filters["cursor"] or None)
    except ValidationError as exc:
        errors = exc.fields
    kept = {key: value for key, value in filters.items() if value and key != "cursor"}
    status = 422 if errors or row_errors else 200
    return render_template(
        "admin/people.html",
        people=people,
        next_cursor=next_cursor,
        errors=errors,
        filters=filters,
        kept=kept,
        row_errors=row_errors or {},
        row_id=row_id,
    ), status


@bp.route("/admin/people")
@access("admin")
def people():
    """Everyone, deactivated people included, with role changes and deactivation."""
    return _render_people(_people_filters(request.args))


def _person_action(user_id: int, action, done: str):
    """Run one admin action on a person, then back to the list with its filters."""
    person = services.get_account(user_id)
    filters = _people_filters(request.form)
    try:
        action(person)
    except ValidationError as exc:
        return _render_people(filters, exc.fields, person.id)
    db.session.commit()
    flash(done.format(name=person.name), "success")
    return redirect(url_for("admin.people", **{k: v for k, v in filters.items() if v}))


@bp.route("/admin/people/<int:user_id>/role", methods=["POST"])
@access("admin")
def set_role(user_id: int):
    """Change a person's global role."""
    role = request.form.get("role", "")
    return _person_action(
        user_id,
        lambda person: services.set_role(current_user, person, role),
        "{name}'s role has been changed.",
    )


@bp.route("/admin/people/<int:user_id>/deactivate", methods=["POST"])
@access("admin")
def deactivate(user_id: int):
    """Deactivate a leaver: signed out at once, content kept."""
    return _person_action(
        user_id,
        lambda person: services.deactivate(current_user, person),
        "{name} has been deactivated and signed out everywhere.",
    )


@bp.route("/admin/people/<int:user_id>/reactivate", methods=["POST"])
@access("admin")
def reactivate(user_id: int):
    """Let a returning person sign in again."""
    return _person_action(
        user_id,
        lambda person: services.reactivate(current_user, person),
        "{name} has been reactivated and can sign in again.",
    )


def _render_invitations(
    errors: dict | None = None, row_errors: dict | None = None, row_id: int | None = None
):
    status = request.args.get("status", "")
    filter_errors: dict[str, str] = {}
    rows, next_before = [], None
    try:
        rows, next_before = invitation_services.invitations_page(
            invitation_services.invitations_list(status), request.args.get("before")
        )
    except ValidationError as exc:
        filter_errors = exc.fields
    code = 422 if errors or row_errors or filter_errors else 200
    return render_template(
        "admin/invitations.html",
        invitations=[(i, invitation_services.invitation_status(i)) for i in rows],
        next_before=next_before,
        status=status,
        errors=errors or {},
        filter_errors=filter_errors,
        row_errors=row_errors or {},
        row_id=row_id,
        form=request.form,
        units=unit_choices(),
    ), code


@bp.route("/admin/invitations", methods=["GET", "POST"])
@access("admin")
def invitations():
    """Invite people by email, and see every invitation's status."""
    if request.method == "POST":
        try:
            invitation = invitation_services.send_invitation(
                current_user,
                request.form.get("email", ""),
                request.form.get("name", ""),
                request.form.get("role", ""),
                request.form.get("unit_id", ""),
            )
        except ValidationError as exc:
            return _render_invitations(errors=exc.fields)
        db.session.commit()
        flash(f"Invitation sent to {invitation.email}. The link works for 7 days.", "success")
        return redirect(url_for("admin.invitations"))
    return _render_invitations()


def _invitation_action(invitation_id: int, action, done: str):
    invitation = invitation_services.get_invitation(invitation_id)
    try:
        action(invitation)
    except ValidationError as exc:
        return _render_invitations(row_errors=exc.fields, row_id=invitation.id)
    db.session.commit()
    flash(done.format(email=invitation.email), "success")
    return redirect(url_for("admin.invitations"))


@bp.route("/admin/invitations/<int:invitation_id>/revoke", methods=["POST"])
@access("admin")
def revoke_invitation(invitation_id: int):
    """Stop an invitation link from working."""
    return _invitation_action(
        invitation_id,
        lambda i: invitation_services.revoke_invitation(current_user, i),
        "The invitation to {email} has been revoked.",
    )


@bp.route("/admin/invitations/<int:invitation_id>/resend", methods=["POST"])
@access("admin")
def resend_invitation(invitation_id: int):
    """Send a fresh invitation link; the old one stops working."""
    return _invitation_action(
        invitation_id,
        lambda i: invitation_services.resend_invitation(current_user, i),
        "A new invitation link has been sent to {email}. The old link no longer works.",
    )


@bp.route("/admin/units", methods=["GET", "POST"])
@access("admin")
def units():
    """Every unit with its people count, and a form to add one."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            unit = unit_services.create_unit(
                current_user, request.form.get("name", ""), request.form.get("parent_id", "")
            )
        except ValidationError as exc:
            errors = exc.fields
        else:
            db.session.commit()
            flash(f"{unit.name} has been added.", "success")
            return redirect(url_for("admin.units"))
    return render_template(
        "admin/units.html",
        units=unit_services.units_overview(),
        errors=errors,
        form=request.form,
        choices=unit_choices(),
    ), 422 if errors else 200


@bp.route("/admin/units/<int:unit_id>", methods=["GET", "POST"])
@access("admin")
def edit_unit(unit_id: int):
    """Rename a unit or move it under another."""
    unit = unit_services.get_unit(unit_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            unit_services.update_unit(
                current_user, unit, request.form.get("name", ""), request.form.get("parent_id", "")
            )
        except ValidationError as exc:
            errors = exc.fields
        else:
            db.session.commit()
            flash(f"{unit.name} has been saved.", "success")
            return redirect(url_for("admin.units"))
    return _render_unit(unit, errors)


def _render_unit(unit, errors: dict):
    below = unit_services.descendant_ids(unit) | {unit.id}
    choices = [(uid, label) for uid, label in unit_choices() if uid not in below]
    return render_template(
        "admin/unit.html", unit=unit, errors=errors, form=request.form, choices=choices
    ), 422 if errors else 200


@bp.route("/admin/units/<int:unit_id>/delete", methods=["POST"])
@access("admin")
def delete_unit(unit_id: int):
    """Delete a unit nobody is in."""
    unit = unit_services.get_unit(unit_id)
    name = unit.name
    try:
        unit_services.delete_unit(current_user, unit)
    except ValidationError as exc:
        return _render_unit(unit, {"form": exc.fields["unit"]})
    db.session.commit()
    flash(f"{name} has been deleted.", "success")
    return redirect(url_for("admin.units"))


@bp.route("/admin/settings", methods=["GET", "POST"])
@access("admin")
def settings():
    """Self-registration, who may create private and secret communities, idle sign-out and SSO only."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.update_settings(
                current_user,
                request.form.get("self_registration") == "1",
                request.form.getlist("creator_roles"),
                request.form.get("session_idle_minutes", ""),
                request.form.get("sso_only") == "1",
            )
        except ValidationError as exc:
            errors = exc.fields
        else:
            db.session.commit()
            flash("Settings saved.", "success")
            return redirect(url_for("admin.settings"))
    return render_template(
        "admin/settings.html",
        current=services.current_settings(),
        errors=errors,
        form=request.form,
        creator_roles=services.CREATOR_ROLES,
    ), 422 if errors else 200
