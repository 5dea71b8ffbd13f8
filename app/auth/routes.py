"""Thin views for signing in and out, invitations, registration and password reset."""

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app.auth import bp, services
from app.errors import ValidationError
from app.extensions import db, limiter, login_manager
from app.identity.services import password_sign_in_allowed, sign_in_options, sso_only
from app.models import User, utcnow
from app.permissions import access
from app.security import local_path

login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to continue."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    """Load the session's person; a stale session_version means they signed out everywhere."""
    user_id, _, version = identity.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user


def safe_next(target: str | None) -> str:
    """Only follow local paths after sign-in (no open redirect)."""
    return local_path(target) or url_for("main.home")


def _login_email_key() -> str:
    return "login:" + services.normalise_email(request.form.get("email", ""))


@bp.route("/login", methods=["GET", "POST"])
@access("public")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit("5 per minute", key_func=_login_email_key, methods=["POST"])
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    errors: dict[str, str] = {}
    if request.method == "POST":
        user, until = services.sign_in_attempt(
            request.form.get("email", ""), request.form.get("password", "")
        )
        db.session.commit()
        if user is not None and password_sign_in_allowed(user):
            session.clear()  # a fresh session at sign-in: nothing from before it carries over
            login_user(user, remember=bool(request.form.get("remember")))
            return redirect(safe_next(request.args.get("next")))
        errors["form"] = "That email and password don't match an active account."
        if sso_only():
            # The same answer for a wrong password and a right one that isn't an admin's: no hint either way.
            errors["form"] = (
                "That email and password don't match an admin account. Password sign-in is for admins "
                f"only here: everyone else uses “{sign_in_options()['label']}”."
            )
        if until is not None:
            minutes = max(1, round((until - utcnow()).total_seconds() / 60))
            errors["form"] = (
                f"Too many failed sign-ins for this email. Try again in {minutes} minutes, "
                "or reset your password."
            )
    return render_template("auth/login.html", errors=errors, form=request.form), 422 if errors else 200


@bp.route("/logout", methods=["POST"])
@access("signed_in")
def logout():
    """Sign out of this browser."""
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/security", methods=["GET", "POST"])
@access("signed_in")
def security():
    """Change password, and sign out everywhere."""
    errors: dict[str, str] = {}
    uses_password = bool(current_user.password_hash) and password_sign_in_allowed(current_user)
    if request.method == "POST" and not uses_password:
        abort(403)
    if request.method == "POST":
        try:
            services.change_password(
                current_user,
                request.form.get("current_password", ""),
                request.form.get("new_password", ""),
                request.form.get("confirm_password", ""),
            )
        except ValidationError as exc:
            errors = exc.fields
        else:
            db.session.commit()
            login_user(current_user, remember=False)  # keep this browser signed in with the new version
            flash("Password changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("auth.security"))
    return render_template(
        "auth/security.html", errors=errors, uses_password=uses_password
    ), 422 if errors else 200


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@access("signed_in")
def sign_out_everywhere():
    """End every session of this person, this one included."""
    services.sign_out_everywhere(current_user)
    db.session.commit()
    logout_user()
    flash("You have been signed out on every device.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@access("public")
def accept_invitation(token: str):
    """Set a name and password from an invitation link."""
    invitation = services.invitation_from_token(token)
    if invitation is None:
        return render_template("auth/link_invalid.html", what="invitation"), 410
    errors: dict[str, str] = {}
    if sso_only():  # the invitation is taken up by signing in with the provider as the invited address
        page = render_template("auth/accept_invitation.html", invitation=invitation, errors={}, form={})
        return page, 403 if request.method == "POST" else 200
    if request.method == "POST":
        try:
            user = services.accept_invitation(
                invitation, request.form.get("name", ""), request.form.get("password", "")
            )
        except ValidationError as exc:
            errors = exc.fields
        else:
            db.session.commit()
            login_user(user)
            flash(f"Welcome to {current_app.config['ORG_NAME']}, {user.name}.", "success")
            return redirect(url_for("main.home"))
    return render_template(
        "auth/accept_invitation.html", invitation=invitation, errors=errors, form=request.form
    ), 422 if errors else 200


@bp.route("/register", methods=["GET", "POST"])
@access("public")
@limiter.limit("10 per hour", methods=["POST"])
def register():
    """Self-registration for the allowed email domains, confirmed by email."""
    errors: dict[str, str] = {}
    if sso_only():  # accounts come from the first sign-in with the provider
        page = render_template("auth/register.html", errors={}, form={}, domains=[])
        return page, 403 if request.method == "POST" else 200
    if request.method == "POST":
        try:
            services.register(
                request.form.get("email", ""), request.form.get("name", ""), request.form.get("password", "")
            )
        except ValidationError as exc:
            errors = exc.fields
        else:
            db.session.commit()
            return render_template("auth/check_email.html", purpose="confirm")
    return render_template(
        "auth/register.html",
        errors=errors,
        form=request.form,
        domains=current_app.config["ALLOWED_EMAIL_DOMAINS"],
    ), 422 if errors else 200


@bp.route("/confirm/<token>")
@access("public")
def confirm_email(token: str):
    """Confirm a self-registered account."""
    user = services.confirm_email(token)
    if user is None:
        return render_template("auth/link_invalid.html", what="confirmation link"), 410
    db.session.commit()
    flash("Your email is confirmed. You can sign in now.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@access("public")
@limiter.limit("5 per 15 minutes", methods=["POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether the account exists."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        email = services.normalise_email(request.form.get("email", ""))
        errors = services.check_email(email)
        if not errors:
            services.request_password_reset(email)
            db.session.commit()  # the reset email is queued in the outbox: commit sends it
            return render_template("auth/check_email.html", purpose="reset")
    return render_template(
        "auth/forgot_password.html", errors=errors, form=request.form
    ), 422 if errors else 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@access("public")
def reset_password(token: str):
    """Choose a new password from an emailed link."""
    user = services.user_from_reset_token(token)
    if user is None:
        return render_template("auth/link_invalid.html", what="password reset link"), 410
    errors: dict[str, str] = {}
    if request.method == "POST":
        if request.form.get("password") != request.form.get("confirm_password"):
            errors = {"confirm_password": "The two passwords don't match."}
        else:
            try:
                services.set_password(user, request.form.get("password", ""))
            except ValidationError as exc:
                errors = exc.fields
            else:
                db.session.commit()
                flash("Your password has been changed. Sign in with it now.", "success")
                return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", errors=errors), 422 if errors else 200
