"""Thin views for profiles, editing one's own profile and the staff directory."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import ValidationError
from app.extensions import db
from app.feeds.follows import follows_person
from app.people import bp, services
from app.permissions import access

FILTERS = ("q", "unit_id", "staff_type")


@bp.route("/people")
@access("signed_in")
def directory():
    """Active people, filtered as the person types; a fetch gets just the results region."""
    filters = {key: request.args.get(key, "") for key in FILTERS}
    errors: dict[str, str] = {}
    people, next_cursor = [], None
    try:
        people, next_cursor = services.people_page(services.directory(**filters), request.args.get("cursor"))
    except ValidationError as exc:
        errors = exc.fields
    context = {
        "people": people,
        "next_cursor": next_cursor,
        "errors": errors,
        "filters": {key: value for key, value in filters.items() if value},
        "paged": bool(request.args.get("cursor")),
    }
    status = 422 if errors else 200
    if request.headers.get("X-Requested-With") == "fetch":
        return render_template("people/_results.html", **context), status
    return render_template(
        "people/directory.html", units=services.unit_choices(), form=filters, **context
    ), status


@bp.route("/people/<int:user_id>")
@access("signed_in")
def profile(user_id: int):
    """A person's profile, with the communities the viewer may see."""
    person = services.get_person(user_id)
    return render_template(
        "people/profile.html",
        person=person,
        communities=services.profile_communities(current_user, person),
        following=follows_person(current_user, person),
    )


@bp.route("/profile/edit", methods=["GET", "POST"])
@access("signed_in")
def edit_profile():
    """Edit one's own name, job title, unit, staff type and bio."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.update_profile(
                current_user,
                name=request.form.get("name", ""),
                job_title=request.form.get("job_title", ""),
                unit_id=request.form.get("unit_id", ""),
                staff_type=request.form.get("staff_type", ""),
                bio=request.form.get("bio", ""),
            )
        except ValidationError as exc:
            errors = exc.fields
        else:
            db.session.commit()
            flash("Your profile has been updated.", "success")
            return redirect(url_for("people.profile", user_id=current_user.id))
    return render_template(
        "people/edit.html", errors=errors, form=request.form, units=services.unit_choices()
    ), 422 if errors else 200
