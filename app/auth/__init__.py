"""Sign in and out, invitations, self-registration and password reset."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
