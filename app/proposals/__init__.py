"""Proposals for public channels: buy-in inside before the organisation goes public."""

from flask import Blueprint

bp = Blueprint("proposals", __name__)
