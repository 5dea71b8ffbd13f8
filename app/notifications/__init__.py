"""Notifications: rows written in the transaction that caused them, and the page that lists them."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)
