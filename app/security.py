"""Security headers on every response: a strict CSP with no inline script or style."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_security_headers(app: Flask) -> None:
    """Add CSP and the usual hardening headers (small enough not to need Flask-Talisman)."""

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        # Over HTTPS (directly, or through a trusted proxy's X-Forwarded-Proto) or when cookies are
        # HTTPS-only: a browser that saw HTTPS once never tries plain HTTP again.
        if app.config.get("SESSION_COOKIE_SECURE") or request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def local_secret_key(instance: Path) -> str:
    """The development server's own random key in instance/secret_key (created once, owner-only).

    So a laptop never runs on a key that is in the repository; production must set SECRET_KEY.
    """
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process started at the same moment and wrote it
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def local_path(target: str | None) -> str | None:
    """The target if it is a path on this site, else None: the one check for every `next=` and back link.

    Browsers read "\\" as "/" and drop tabs and newlines, so "/\\evil.example" and "/\t/evil.example"
    mean "//evil.example" (another site) to them although they start with a single slash.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target
