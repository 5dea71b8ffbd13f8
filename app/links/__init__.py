"""Curated links: comms officers and curators share links with why they matter; previews, saves, stats."""

from flask import Blueprint

bp = Blueprint("links", __name__)
