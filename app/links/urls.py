"""Addresses people paste: checked (http/https only) and normalised so re-shares are spotted."""

import hashlib
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from app.errors import ValidationError
from app.models.links import MAX_URL

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"


def check_url(raw: str | None, field: str = "url") -> str:
    """A trimmed http(s) address with a host, or a field error saying what is wrong."""
    url = "".join((raw or "").split())  # pasted addresses often carry line breaks or spaces
    if not url:
        raise ValidationError({field: "Paste the address of the page you're sharing."})
    if len(url) > MAX_URL:
        raise ValidationError({field: f"That address is too long (over {MAX_URL:,} characters)."})
    if not url.isprintable():
        raise ValidationError({field: "That address contains characters a web address can't have."})
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValidationError({field: "That doesn't look like a web address."}) from exc
    if parts.scheme.lower() not in SCHEMES:
        raise ValidationError({field: "Only web addresses starting http:// or https:// can be shared."})
    if not parts.hostname:
        raise ValidationError({field: "That address has no site name in it."})
    if parts.username is not None or parts.password is not None:
        raise ValidationError({field: "Remove the user name or password from the address."})
    if port == 0:
        raise ValidationError({field: "That doesn't look like a web address."})
    return url


def normalise(url: str) -> str:
    """The key two addresses share when they are the same page: scheme and host lower-case, no
    default port, fragment, trailing slash or utm_* tracking parameters; always ASCII."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        host = quote(host, safe="")
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = quote(parts.path.rstrip("/"), safe=_SAFE_PATH)
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith("utm_")
        ]
    )
    key = urlunsplit((scheme, netloc, path, query, ""))
    if len(key) > MAX_URL:  # keep it indexable but distinct: a hash of the whole stands for the rest
        key = key[: MAX_URL - 65] + "#" + hashlib.sha256(key.encode()).hexdigest()
    return key  # ASCII only, so it fits its index on PostgreSQL whatever the address holds
