"""The home page and /healthz."""

from flask import current_app, jsonify
from flask_login import current_user
from sqlalchemy import text

from app.errors import first_line
from app.extensions import db
from app.feeds.follows import followed_ids
from app.feeds.queries import Post, home_feed
from app.feeds.routes import render_feed
from app.leadership.updates import home_pins
from app.main import bp
from app.permissions import access
from app.posts.views import writable_communities
from app.search.health import search_health


@bp.route("/")
@access("signed_in")
def home():
    """The home feed: my communities, All staff, the people and topics I follow; updates waiting for my
    acknowledgement are pinned on top (and left out of the feed below until I acknowledge them)."""
    communities = writable_communities(current_user)
    pins = home_pins(current_user)
    feed = home_feed(current_user)
    if pins.items:
        feed = feed.where(Post.id.not_in([p.id for p in pins.items]))
    return render_feed(
        "main/home.html",
        feed,
        pins=pins,
        communities=communities,
        feed_community_ids=[c.id for c in communities],
        feed_author_ids=followed_ids(current_user),
        errors={},
        form={},
    )


@bp.route("/healthz")
@access("public")
def healthz():
    """200 when the database and the search index answer ("rebuilding" still answers)."""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report any failure, never raise from a probe
        current_app.logger.warning("healthz database check failed: %s", first_line(exc))
        checks["database"] = "error"
    checks |= search_health()
    healthy = checks["database"] == "ok" and checks["search_index"] in ("ok", "rebuilding")
    return jsonify({"status": "ok" if healthy else "error", **checks}), 200 if healthy else 503
