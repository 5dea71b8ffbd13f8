"""Signed, expiring tokens for emailed links (invitations, confirmation, password reset)."""

from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"rollcall-{purpose}")


def make_token(purpose: str, payload: dict) -> str:
    """Sign a small payload for one purpose."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: timedelta) -> dict | None:
    """The payload if the token is genuine, for this purpose and not expired; otherwise None."""
    try:
        payload = _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except BadSignature:
        return None
    return payload if isinstance(payload, dict) else None
