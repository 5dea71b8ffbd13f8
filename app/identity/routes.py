"""Thin views for signing in with the identity provider: the redirect out and the way back."""

from flask import abort, current_app, redirect, render_template, request, session
from flask_login import current_user, login_user
from sqlalchemy.exc import IntegrityError

from app.auth.routes import safe_next
from app.db import writing
from app.extensions import db, limiter
from app.identity import bp, oidc, services
from app.identity import roster_job as _roster_job  # noqa: F401 - registers the nightly roster task
from app.identity.oidc import SsoError
from app.models import User
from app.permissions import access

# Where to go after signing in, kept across the trip to the provider.
NEXT_KEY = "sso_next"
MAX_NEXT = 500


@bp.app_context_processor
def _sign_in_options() -> dict:
    # A function, not values: only the pages that show sign-in choices pay for the settings query.
    return {"sso_options": services.sign_in_options}


def _refused(exc: SsoError):
    current_app.logger.warning("Single sign-on refused (%s): %s", exc.status, exc.detail or exc.message)
    return render_template("identity/sso_error.html", message=exc.message), exc.status


def _commit_sign_in(claims: dict) -> User:
    db.session.rollback()  # end any read transaction, so the writes begin as a writer (SQLite)
    with writing():
        try:
            user = services.sign_in_with_provider(oidc.issuer(), claims)
            db.session.commit()
        except (SsoError, IntegrityError):
            db.session.rollback()
            raise
    return user


def _sign_in(claims: dict) -> User:
    """Find, link or create the account and commit."""
    try:
        return _commit_sign_in(claims)
    except IntegrityError:
        # A first sign-in racing itself (a double click) loses on a unique constraint; the second
        # try finds the account and link the first one made.
        return _commit_sign_in(claims)


@bp.route("/login/sso")
@access("public")
@limiter.limit("30 per minute")
def start():
    """Send the person to the identity provider."""
    if not oidc.configured():
        abort(404)
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    target = safe_next(request.args.get("next"))
    # Kept in the cookie session until the provider sends the person back: a huge one would push the
    # cookie past what browsers keep (and lose the sign-in's state with it).
    session[NEXT_KEY] = target if len(target) <= MAX_NEXT else safe_next(None)
    try:
        return oidc.start()
    except SsoError as exc:
        return _refused(exc)


@bp.route("/login/sso/callback")
@access("public")
@limiter.limit("30 per minute")
def callback():
    """Back from the provider: check its answer, find or create the account, sign in."""
    if not oidc.configured():
        abort(404)
    try:
        claims = oidc.finish()
    except SsoError as exc:
        return _refused(exc)
    try:
        user = _sign_in(claims)
    except SsoError as exc:
        return _refused(exc)
    target = session.get(NEXT_KEY)
    session.clear()  # a fresh session at sign-in, as with a password: nothing from before carries over
    login_user(user)  # a new realtime key for this browser (app/realtime/identity.py)
    return redirect(safe_next(target if isinstance(target, str) else None))
