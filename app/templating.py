"""Jinja filters and globals shared by every template."""

from datetime import UTC, datetime

from flask import Flask, has_request_context
from flask_login import current_user

from app.models import REACTION_KINDS, ROLES, STAFF_TYPES, VISIBILITIES
from app.posts.cards import post_card

REACTIONS = {
    "like": ("👍", "Like"),
    "celebrate": ("🎉", "Celebrate"),
    "insightful": ("💡", "Insightful"),
    "support": ("🤝", "Support"),
}


def _isotime(value: datetime | None) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else ""


def _longtime(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%-d %b %Y, %H:%M UTC") if value else ""


def init_app(app: Flask) -> None:
    """Register filters and context the templates use."""
    app.jinja_env.filters["isotime"] = _isotime
    app.jinja_env.filters["longtime"] = _longtime
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["post_card"] = post_card

    @app.context_processor
    def _globals():
        unread = 0
        if has_request_context() and current_user.is_authenticated:
            from app.notifications.services import unread_count

            unread = unread_count(current_user)
        return {
            "org_name": app.config["ORG_NAME"],
            "ROLES": ROLES,
            "STAFF_TYPES": STAFF_TYPES,
            "VISIBILITIES": VISIBILITIES,
            "REACTION_KINDS": REACTION_KINDS,
            "REACTIONS": REACTIONS,
            "unread_notifications": unread,
        }
