"""Leadership voice: vision updates with acknowledgement, and Ask leadership."""

from flask import Blueprint

bp = Blueprint("leadership", __name__)
