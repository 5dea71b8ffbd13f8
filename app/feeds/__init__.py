"""Feeds: home, community, topic and person, with cursor pagination."""

from flask import Blueprint

bp = Blueprint("feeds", __name__)

from app.feeds import routes  # noqa: E402,F401
