"""Thin views for the comms team: the editorial slot (pins) and previewing the next digest as anyone."""

import re

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.digest import bp, editorial, periods
from app.digest.send import mail_context
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.forms import parse_id
from app.links.curators import find_person
from app.permissions import access


def _post_number(raw: str) -> int | None:
    """A post's number, or the number at the end of its address (…/posts/123) pasted from the browser."""
    found = re.search(r"(\d+)/?\s*$", raw or "")
    return parse_id(found.group(1)) if found else None


def _render_editorial(errors: dict | None = None, form=None):
    links, posts = editorial.candidates(current_user)
    return render_template(
        "digest/editorial.html",
        pins=editorial.active_pins(current_user),
        links=links,
        posts=posts,
        errors=errors or {},
        form=form or {},
    ), 422 if errors else 200


@bp.route("/digest/editorial")
@access("comms")
def editorial_page():
    """What is pinned into the editorial slot of the coming digests, and this week's candidates."""
    return _render_editorial()


@bp.route("/digest/editorial/pins", methods=["POST"])
@access("comms")
def pin():
    """Pin a post or curated link (by its post number) into the editorial slot."""
    try:
        editorial.pin(current_user, _post_number(request.form.get("post_id", "")))
    except ValidationError as exc:
        db.session.rollback()
        return _render_editorial(exc.fields, request.form)
    db.session.commit()
    flash("Pinned into the editorial slot of the coming digests.", "success")
    return redirect(url_for("digest.editorial_page"))


@bp.route("/digest/editorial/pins/<int:pin_id>/unpin", methods=["POST"])
@access("comms")
def unpin(pin_id: int):
    """Take a pin out of the editorial slot."""
    try:
        editorial.unpin(current_user, pin_id)
    except NotFound as exc:
        flash(exc.message, "error")
        return redirect(url_for("digest.editorial_page"))
    db.session.commit()
    flash("Taken out of the editorial slot.", "success")
    return redirect(url_for("digest.editorial_page"))


@bp.route("/digest/preview", methods=["GET", "POST"])
@access("comms")
def preview():
    """Preview the next digest as a colleague would get it (POST, because each preview is audited)."""
    form = request.form if request.method == "POST" else {}
    if request.method == "GET":
        return render_template("digest/preview.html", form={}, errors={}, periods=periods.PERIODS)
    try:
        person = find_person(form.get("person", ""))
        digest, withheld = editorial.preview(current_user, person, form.get("period", "weekly"))
    except ValidationError as exc:
        db.session.rollback()
        return render_template(
            "digest/preview.html", form=form, errors=exc.fields, periods=periods.PERIODS
        ), 422
    db.session.commit()  # the audit entry
    context = mail_context(digest, "")
    context["withheld"] = withheld
    return render_template("digest/preview.html", form=form, errors={}, periods=periods.PERIODS, **context)
