"""Posts, replies, reactions and threads."""

from flask import Blueprint

bp = Blueprint("posts", __name__)
