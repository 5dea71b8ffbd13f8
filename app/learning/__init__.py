"""Lunch-and-learn sessions: schedule, RSVP with a waiting list, calendars, reminders, a live Q&A,
attendance, feedback and a summary that stays as a resource."""

from flask import Blueprint

bp = Blueprint("learning", __name__, url_prefix="/sessions")
