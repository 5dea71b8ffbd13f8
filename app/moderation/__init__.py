"""Reporting, the moderators' queue, decisions with explanations, appeals, pre-moderation and the audit log."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)
