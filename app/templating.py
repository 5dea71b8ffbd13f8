"""Jinja filters and globals shared by every template."""

from datetime import UTC, datetime
from functools import lru_cache

from flask import Flask, current_app, has_request_context, request, url_for
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


@lru_cache(maxsize=4096)
def _built_url(_app_id: int, _root: str, _host: str, _scheme: str, endpoint: str, values: tuple) -> str:
    return url_for(endpoint, **dict(values))


def template_url_for(endpoint: str, **values) -> str:
    """url_for for templates, remembering each built URL: a page asks for the same few dozen.

    A URL is a function of the endpoint, its values and the request's root, host and scheme (the
    app has no url_defaults); anything else (_external, relative endpoints, lists) is built as usual.
    """
    if not has_request_context() or endpoint[:1] == "." or any(k[:1] == "_" for k in values):
        return url_for(endpoint, **values)
    try:
        key = tuple(sorted(values.items()))
        hash(key)
    except TypeError:
        return url_for(endpoint, **values)
    app, req = current_app._get_current_object(), request._get_current_object()
    return _built_url(id(app), req.script_root, req.host, req.scheme, endpoint, key)


def init_app(app: Flask) -> None:
    """Register filters and context the templates use."""
    if not app.url_default_functions:  # URL defaults would make a URL depend on more than its key
        app.jinja_env.globals["url_for"] = template_url_for
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
