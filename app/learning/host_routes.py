"""Thin views for hosts and afterwards: attendees and CSV, attendance, materials, feedback, summary,
and the "session host" grants page."""

import csv
import io

from flask import Response, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.forms import parse_id
from app.learning import bp, feedback, grants, materials, rsvps, services
from app.learning.views import render_show
from app.permissions import access, can_grant_session_hosts, can_manage_session

# Spreadsheet programs run cells starting with these as formulas (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _back(session_id: int, anchor: str = ""):
    return redirect(url_for("learning.show", session_id=session_id) + anchor)


def _refused(exc: ValidationError) -> None:
    db.session.rollback()
    flash(" ".join(exc.fields.values()), "error")


@bp.route("/<int:session_id>/attendees")
@access("signed_in")
def attendees(session_id: int):
    """Hosts: who's going, the waiting list in order, maybe and can't; attendance afterwards."""
    session = services.get_session(current_user, session_id)
    rows = rsvps.attendees(current_user, session)
    return render_template(
        "learning/attendees.html", session=session, rows=rows, phase=services.phase(session)
    )


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


@bp.route("/<int:session_id>/attendees.csv")
@access("signed_in")
def attendees_csv(session_id: int):
    """Hosts: the attendee list as CSV (for a sign-in sheet or a spreadsheet)."""
    session = services.get_session(current_user, session_id)
    rows = rsvps.attendees(current_user, session)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Name", "Email", "Job title", "Unit", "Reply", "Waiting list place", "Attended"])
    place = 0
    for row in rows:
        place += row.status == "waiting"
        attended = "" if row.attended is None else ("yes" if row.attended else "no")
        writer.writerow(
            _cell(v)
            for v in (
                row.user.name,
                row.user.email,
                row.user.job_title,
                row.user.unit.name if row.user.unit else "",
                rsvps.LABELS[row.status],
                place if row.status == "waiting" else "",
                attended,
            )
        )
    return Response(
        "\ufeff" + out.getvalue(),  # a BOM so Excel reads UTF-8 names correctly
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="session-{session.id}-attendees.csv"'},
    )


@bp.route("/<int:session_id>/attendance", methods=["POST"])
@access("signed_in")
def attendance(session_id: int):
    """Hosts tick who came."""
    session = services.get_session(current_user, session_id)
    ids = {i for i in (parse_id(v) for v in request.form.getlist("attended")) if i is not None}
    try:
        count = rsvps.mark_attendance(current_user, session, ids)
    except ValidationError as exc:
        _refused(exc)
        return redirect(url_for("learning.attendees", session_id=session.id))
    db.session.commit()
    flash(f"Attendance saved: {count} attended.", "success")
    return redirect(url_for("learning.attendees", session_id=session.id))


@bp.route("/<int:session_id>/materials", methods=["POST"])
@access("signed_in")
def add_material(session_id: int):
    """Hosts add a link or upload a file."""
    session = services.get_session(current_user, session_id)
    upload = request.files.get("file")
    try:
        if upload is not None and upload.filename:
            materials.add_file(
                current_user, session, request.form.get("title", ""), upload.filename, upload.read()
            )
        else:
            materials.add_link(
                current_user, session, request.form.get("title", ""), request.form.get("url", "")
            )
    except ValidationError as exc:
        _refused(exc)
        return _back(session.id, "#materials")
    db.session.commit()
    flash("Material added.", "success")
    return _back(session.id, "#materials")


@bp.route("/<int:session_id>/materials/<int:material_id>/delete", methods=["POST"])
@access("signed_in")
def remove_material(session_id: int, material_id: int):
    """Hosts remove a material."""
    session = services.get_session(current_user, session_id)
    materials.remove_material(current_user, session, materials.get_material(session, material_id))
    db.session.commit()
    materials.delete_removed_files()
    flash("Material removed.", "success")
    return _back(session.id, "#materials")


@bp.route("/<int:session_id>/materials/<int:material_id>/download")
@access("signed_in")
def download(session_id: int, material_id: int):
    """A stored file, only for people who may see the session; always a download, never rendered."""
    session = services.get_session(current_user, session_id)
    material = materials.get_material(session, material_id)
    response = send_file(
        materials.file_path(material),
        mimetype=material.content_type,
        as_attachment=True,
        download_name=material.file_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/<int:session_id>/feedback", methods=["POST"])
@access("signed_in")
def give_feedback(session_id: int):
    """Rating 1-5 and one thing I'll apply (once each, editable)."""
    session = services.get_session(current_user, session_id)
    try:
        feedback.give_feedback(
            current_user, session, request.form.get("rating"), request.form.get("apply_text", "")
        )
    except ValidationError as exc:
        db.session.rollback()
        return render_show(session, exc.fields, request.form, 422)
    db.session.commit()
    flash("Thanks for your feedback.", "success")
    return _back(session.id, "#feedback")


@bp.route("/<int:session_id>/summary")
@access("signed_in")
def summary(session_id: int):
    """Attendance, rating, questions and materials: the session as a lasting resource."""
    session = services.get_session(current_user, session_id)
    return render_template(
        "learning/summary.html",
        session=session,
        phase=services.phase(session),
        summary=feedback.summary(current_user, session),
        manage=can_manage_session(current_user, session),
    )


@bp.route("/hosts", methods=["GET", "POST"])
@access("signed_in")
def hosts():
    """Comms officers, leaders and admins name who else may schedule sessions."""
    if not can_grant_session_hosts(current_user):
        raise PermissionDenied("Only comms officers, leaders and admins can name session hosts.")
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if request.form.get("revoke"):
                user_id = parse_id(request.form.get("revoke"))
                if user_id is not None:
                    grants.revoke(current_user, user_id)
                message = "Grant removed."
            else:
                row = grants.grant(current_user, request.form.get("who", ""))
                message = f"{row.user.name} can now schedule sessions."
        except ValidationError as exc:
            db.session.rollback()
            errors = exc.fields
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("learning.hosts"))
    return render_template(
        "learning/hosts.html", grants=grants.grants(), errors=errors, form=request.form
    ), 422 if errors else 200
