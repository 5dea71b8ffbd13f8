"""Search: the only package that imports whoosh (index, indexer, queries, results page, CLI)."""

from flask import Blueprint

bp = Blueprint("search", __name__)
