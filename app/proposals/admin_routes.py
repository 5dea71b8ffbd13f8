"""Thin views for admins: the channels proposals are written for, and the publishing webhook."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import ValidationError
from app.extensions import db
from app.permissions import access
from app.proposals import bp, channels, webhooks
from app.proposals.channels import COUNTING_LABELS


def _limit(raw: str | None) -> int | None:
    """The length limit field: blank for none; anything else must be a whole number."""
    raw = (raw or "").strip().replace(",", "")
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise ValidationError({"char_limit": "Use a whole number, or leave it empty for no limit."})
    return int(raw)


def _render_channels(errors: dict | None = None, form=None, row_id: int | None = None, status: int = 200):
    return render_template(
        "proposals/admin_channels.html",
        channels=channels.all_channels(),
        counting_labels=COUNTING_LABELS,
        errors=errors or {},
        form=form or {},
        row_id=row_id,
    ), status


@bp.route("/proposals/channels", methods=["GET", "POST"])
@access("admin")
def admin_channels():
    """The channels list, and adding one."""
    if request.method == "GET":
        return _render_channels()
    form = request.form
    try:
        channel = channels.create_channel(
            current_user,
            form.get("name", ""),
            _limit(form.get("char_limit")),
            form.get("counting", ""),
            form.get("notes", ""),
        )
    except ValidationError as exc:
        return _render_channels(exc.fields, form, status=422)
    db.session.commit()
    flash(f"{channel.name} added.", "success")
    return redirect(url_for("proposals.admin_channels"))


@bp.route("/proposals/channels/<int:channel_id>", methods=["POST"])
@access("admin")
def admin_channel(channel_id: int):
    """Change a channel's name, limit, counting rule and notes, or archive it."""
    channel = channels.get_channel(channel_id)
    form = request.form
    try:
        channels.update_channel(
            current_user,
            channel,
            form.get("name", ""),
            _limit(form.get("char_limit")),
            form.get("counting", ""),
            form.get("notes", ""),
            form.get("archived") == "1",
        )
    except ValidationError as exc:
        db.session.rollback()
        return _render_channels(exc.fields, form, channel_id, 422)
    db.session.commit()
    flash(f"{channel.name} saved.", "success")
    return redirect(url_for("proposals.admin_channels"))


def _render_webhook(errors: dict | None = None, form=None, new_secret: str = "", status: int = 200):
    return render_template(
        "proposals/admin_webhook.html",
        endpoint=webhooks.endpoint(),
        deliveries=webhooks.recent_deliveries(),
        allowlist=current_app.config["WEBHOOK_ALLOWLIST"],
        errors=errors or {},
        form=form,
        new_secret=new_secret,
    ), status


@bp.route("/proposals/webhook", methods=["GET", "POST"])
@access("admin")
def admin_webhook():
    """The publishing webhook: address, secret (shown once when generated), on or off, recent deliveries."""
    if request.method == "GET":
        return _render_webhook()
    form = request.form
    try:
        _, new_secret = webhooks.save_endpoint(
            current_user,
            form.get("url", ""),
            form.get("secret", ""),
            form.get("enabled") == "1",
            form.get("generate") == "1",
        )
    except ValidationError as exc:
        return _render_webhook(exc.fields, form, status=422)
    db.session.commit()
    if new_secret:  # shown once, on this page, never put in the session cookie
        return _render_webhook(new_secret=new_secret)
    flash("Webhook saved.", "success")
    return redirect(url_for("proposals.admin_webhook"))


@bp.route("/proposals/webhook/test", methods=["POST"])
@access("admin")
def admin_webhook_test():
    """Queue a test delivery ("ping"); the job runner sends it within seconds."""
    delivery = webhooks.enqueue_ping(current_user)
    db.session.commit()
    flash(
        "Test delivery queued: the job runner sends it within seconds."
        if delivery
        else "Turn the webhook on first.",
        "success" if delivery else "error",
    )
    return redirect(url_for("proposals.admin_webhook"))
