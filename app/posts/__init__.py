"""Posts, replies, reactions and threads."""

from flask import Blueprint

bp = Blueprint("posts", __name__)

from app.posts import reply_routes, routes  # noqa: E402,F401
