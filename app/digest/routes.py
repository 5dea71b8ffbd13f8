"""Thin views for members: digest preferences, and the emailed unsubscribe link (no sign-in needed)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError as CsrfInvalid

from app.digest import bp, preferences
from app.errors import ValidationError
from app.extensions import csrf, db
from app.permissions import access

BAD_LINK = {
    "expired": "This unsubscribe link has expired.",
    "invalid": "This unsubscribe link isn't valid.",
}


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and len(v) < 19]


def _render_preferences(errors: dict | None = None, form=None):
    row = preferences.preference_for(current_user)
    return render_template(
        "digest/preferences.html",
        pref=row,
        labels=preferences.LABELS,
        communities=preferences.member_communities(current_user),
        errors=errors or {},
        form=form or {},
    ), 422 if errors else 200


@bp.route("/digest/preferences")
@access("signed_in")
def preferences_page():
    """How often I get the digest email, and which of my communities it leaves out."""
    return _render_preferences()


@bp.route("/digest/preferences", methods=["POST"])
@access("signed_in")
def save_preferences():
    """Save my digest preferences."""
    try:
        preferences.save_preferences(
            current_user, request.form.get("frequency", ""), _ids(request.form.getlist("mute_community"))
        )
    except ValidationError as exc:
        db.session.rollback()
        return _render_preferences(exc.fields, request.form)
    db.session.commit()
    flash("Digest preferences saved.", "success")
    return redirect(url_for("digest.preferences_page"))


@bp.route("/digest/unsubscribe/<token>", methods=["GET", "POST"])
@access("public")
@csrf.exempt  # RFC 8058: a mail client's one-click POST carries no CSRF token; the button's is checked below
def unsubscribe(token: str):
    """GET: confirm with a button. POST: the one-click unsubscribe (List-Unsubscribe-Post) or the button."""
    person, why = preferences.read_unsubscribe_token(token)
    if person is None:
        return render_template("digest/unsubscribe.html", state="bad", message=BAD_LINK[why]), 400
    if request.method == "GET":
        return render_template("digest/unsubscribe.html", state="confirm", token=token, person=person)
    if request.form.get("List-Unsubscribe") != "One-Click":
        try:
            validate_csrf(request.form.get("csrf_token"))
        except (CsrfInvalid, CSRFError):
            return render_template(
                "digest/unsubscribe.html",
                state="confirm",
                token=token,
                person=person,
                error="That form had expired. Press the button again to unsubscribe.",
            ), 400
    preferences.unsubscribe(person)
    db.session.commit()
    return render_template("digest/unsubscribe.html", state="done", person=person)
