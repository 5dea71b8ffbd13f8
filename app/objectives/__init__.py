"""Organisational objectives: the admins' catalogue, objective pages, the picker and community defaults."""

from flask import Blueprint

bp = Blueprint("objectives", __name__)
