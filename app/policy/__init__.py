"""The acceptable-use policy (versions, acceptance, the gate before posting) and the guidance pages."""

from flask import Blueprint

bp = Blueprint("policy", __name__)
