"""The search part of /healthz: can the index be read, and how far behind the event log is it."""

from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models import Event
from app.search.backend import backend_name
from app.search.index import search_index


def search_health() -> dict:
    """{"search_backend": "whoosh" | "postgres", "search_index": "ok" | "rebuilding" | "error",
    "search_pending_events": n}."""
    state = search_index()
    backend = {"search_backend": backend_name(state)}
    try:
        state.probe()
        status = "rebuilding" if state.needs_rebuild() else "ok"
    except Exception as exc:  # noqa: BLE001 - a probe reports any failure, never raises
        current_app.logger.warning("healthz search check failed: %s", exc)
        return backend | {"search_index": "error"}
    try:
        pending = db.session.scalar(select(func.count()).where(Event.search_indexed.is_(False)))
    except Exception:  # noqa: BLE001 - the database check reports its own failure
        db.session.rollback()
        pending = None
    return backend | {"search_index": status, "search_pending_events": pending}
