"""Communities: browse, create, join, request, invite, manage and archive."""

from flask import Blueprint

bp = Blueprint("communities", __name__, url_prefix="/communities")
