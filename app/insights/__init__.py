"""Insights: post views, daily roll-ups, the adoption and objectives dashboard, HR establishment, milestones."""

from flask import Blueprint

bp = Blueprint("insights", __name__)
