"""Information governance: retention and legal holds, subject access and erasure, disclosure exports,
and the sensitive-content warning. Features plug in through app.governance.registry."""

from flask import Blueprint

bp = Blueprint("governance", __name__)
