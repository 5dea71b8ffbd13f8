"""The notifications page: list, mark one or all read."""

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import db
from app.notifications import bp, services
from app.permissions import access


@bp.route("/notifications")
@access("signed_in")
def index():
    """The person's notifications, newest first."""
    rows = db.session.scalars(services.notifications_for(current_user).limit(100)).all()
    return render_template("notifications/index.html", notifications=rows)


@bp.route("/notifications/read", methods=["POST"])
@access("signed_in")
def mark_read():
    """Mark one notification (id in the form) or all of them read."""
    raw = request.form.get("id", "")
    services.mark_read(current_user, int(raw) if raw.isdigit() else None)
    db.session.commit()
    return redirect(request.form.get("next") if (request.form.get("next") or "").startswith("/") else url_for("notifications.index"))
