"""Feeds: home, community, topic and person, with cursor pagination."""

from flask import Blueprint

bp = Blueprint("feeds", __name__)
