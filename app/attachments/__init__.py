"""Attachments: images (with alt text and thumbnails) and documents on posts and replies."""

from flask import Blueprint

bp = Blueprint("attachments", __name__)
