"""Statements every public body publishes: the privacy notice and the accessibility statement."""

from datetime import timedelta

from flask import current_app, render_template

from app.main import bp
from app.models import utcnow
from app.permissions import access


@bp.route("/privacy")
@access("public")
def privacy():
    """The privacy notice: what Rollcall holds about staff, why, for how long, and their rights."""
    return render_template("pages/privacy.html")


@bp.route("/accessibility")
@access("public")
def accessibility():
    """The accessibility statement (WCAG 2.2 AA): what was tested and the known gaps."""
    return render_template("pages/accessibility.html")


@bp.route("/.well-known/security.txt")
@access("public")
def security_txt():
    """How to report a vulnerability (RFC 9116): the contact and the disclosure policy."""
    base = current_app.config["BASE_URL"]
    # RFC 9116 asks for an expiry under a year away; computed so the file never goes stale.
    expires = (utcnow() + timedelta(days=180)).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [
        f"Contact: {current_app.config['SECURITY_CONTACT']}",
        f"Expires: {expires}",
        "Preferred-Languages: en",
        f"Canonical: {base}/.well-known/security.txt",
    ]
    return "\n".join(lines) + "\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
