"""The email digest: a personal daily or weekly email of editorial picks, updates, sessions and conversations."""

from flask import Blueprint

bp = Blueprint("digest", __name__)
