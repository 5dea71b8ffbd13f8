"""The personal access token pages (/account/tokens): a CSRF-protected web blueprint."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.api import tokens
from app.errors import ValidationError
from app.extensions import db
from app.models import TOKEN_SCOPES
from app.permissions import access

bp = Blueprint("api_tokens", __name__)


def _page(
    errors: dict | None = None, form=None, created=None, plaintext: str | None = None, status: int = 200
):
    rows = list(db.session.scalars(tokens.tokens_for(current_user)))
    return render_template(
        "account/tokens.html",
        tokens=rows,
        errors=errors or {},
        form=form or {},
        created=created,
        plaintext=plaintext,
        scopes=TOKEN_SCOPES,
        max_active=tokens.MAX_ACTIVE_TOKENS,
        max_name=tokens.MAX_NAME,
    ), status


@bp.route("/account/tokens", methods=["GET"])
@access("signed_in")
def index():
    """My personal access tokens for the API."""
    return _page()


@bp.route("/account/tokens", methods=["POST"])
@access("signed_in")
def create():
    """Create a token and show it once (it is never shown again, nor stored)."""
    try:
        token, plaintext = tokens.create_token(
            current_user, request.form.get("name", ""), request.form.get("scope", "")
        )
    except ValidationError as exc:
        return _page(exc.fields, request.form, status=422)
    db.session.commit()
    # Rendered, not redirected: the plaintext must not go into the session or a flash message.
    html, status = _page(created=token, plaintext=plaintext, status=201)
    return html, status, {"Cache-Control": "no-store"}


@bp.route("/account/tokens/<int(max=2147483647):token_id>/revoke", methods=["POST"])
@access("signed_in")
def revoke(token_id: int):
    """Revoke one of my tokens; scripts using it stop working at once."""
    token = tokens.revoke_token(current_user, token_id)
    db.session.commit()
    flash(f"Token “{token.name}” revoked.", "success")
    return redirect(url_for("api_tokens.index"))
