"""The home page and /healthz."""

from pathlib import Path

from flask import current_app, jsonify, render_template
from flask_login import current_user
from sqlalchemy import select, text

from app.communities.services import all_staff
from app.extensions import db
from app.models import Community, Membership
from app.permissions import access
from app.main import bp


@bp.route("/")
@access("signed_in")
def home():
    """The home feed (part 2 fills it); until then, where to start."""
    my_communities = db.session.scalars(
        select(Community).join(Membership, Membership.community_id == Community.id)
        .where(Membership.user_id == current_user.id, Community.archived_at.is_(None))
        .order_by(Community.is_all_staff.desc(), Community.name)
    ).all()
    return render_template("main/home.html", communities=my_communities, all_staff=all_staff())


@bp.route("/healthz")
@access("public")
def healthz():
    """200 when the database and the search index directory answer."""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report any failure, never raise from a probe
        current_app.logger.warning("healthz database check failed: %s", exc)
        checks["database"] = "error"
    index_dir = Path(current_app.config["SEARCH_INDEX_DIR"])
    checks["search_index"] = "ok" if index_dir.is_dir() else "error"
    healthy = all(v == "ok" for v in checks.values())
    return jsonify({"status": "ok" if healthy else "error", **checks}), 200 if healthy else 503
