"""Thin views for people: "Your data" (download everything Rollcall holds about you) and the download."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app.errors import ValidationError
from app.extensions import db
from app.governance import bp, exports, registry
from app.permissions import access


@bp.record_once
def _load_registrations(state) -> None:
    """Every feature's governance module joins the registry when the app is built."""
    from app import BLUEPRINTS

    registry.load([package for package, _ in BLUEPRINTS])


@bp.route("/account/data", methods=["GET", "POST"])
@access("signed_in")
def my_data():
    """What Rollcall holds about me, and a download of all of it."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            export = exports.request_subject_access(current_user, current_user)
        except ValidationError as exc:
            errors = exc.fields
        else:
            db.session.commit()
            if export.status == "ready":
                flash("Your download is ready.", "success")
            else:
                flash("We're preparing your download. You'll get a notification when it's ready.", "info")
            return redirect(url_for("governance.my_data"))
    return render_template(
        "governance/my_data.html",
        errors=errors,
        kinds=registry.PERSONAL_DATA.values(),
        exports=exports.my_exports(current_user),
    ), 422 if errors else 200


@bp.route("/account/data/<int:export_id>/download")
@access("signed_in")
def download(export_id: int):
    """A download, only for the person who asked for it, until it expires (410 after)."""
    try:
        export, path = exports.download(current_user, export_id)
    except exports.Gone:
        abort(410)
    stamp = export.created_at.strftime("%Y-%m-%d")
    name = f"rollcall-{export.kind.replace('_', '-')}-{export.id}-{stamp}.zip"
    response = send_file(path, mimetype="application/zip", as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
