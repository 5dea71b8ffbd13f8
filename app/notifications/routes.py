"""The notifications page: list, mark one or all read, and preferences."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import db
from app.notifications import bp, services
from app.permissions import access
from app.posts.views import safe_back, writable_communities


@bp.route("/notifications")
@access("signed_in")
def index():
    """The person's latest notifications, newest first."""
    rows = db.session.scalars(services.notifications_for(current_user).limit(100)).all()
    return render_template("notifications/index.html", notifications=rows)


@bp.route("/notifications/read", methods=["POST"])
@access("signed_in")
def mark_read():
    """Mark one notification (id in the form) or all of them read."""
    raw = request.form.get("id", "")
    services.mark_read(current_user, int(raw) if raw.isdigit() and len(raw) < 19 else None)
    db.session.commit()
    return redirect(safe_back(url_for("notifications.index")))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@access("signed_in")
def settings():
    """Which kinds of notification I get, and which communities I've muted."""
    if request.method == "POST":
        muted_kinds = [k for k in services.KIND_LABELS if k not in request.form.getlist("kind")]
        muted = [int(v) for v in request.form.getlist("mute_community") if v.isdigit() and len(v) < 19]
        services.update_settings(current_user, muted_kinds, muted)
        db.session.commit()
        flash("Notification settings saved.", "success")
        return redirect(url_for("notifications.settings"))
    row = services.settings_for(current_user)
    return render_template(
        "notifications/settings.html",
        labels=services.KIND_LABELS,
        settings=row,
        communities=writable_communities(current_user),
    )
