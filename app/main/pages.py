"""Statements every public body publishes: the privacy notice and the accessibility statement."""

from flask import render_template

from app.main import bp
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
