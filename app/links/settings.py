"""The admins' intranet allow-list for link previews, and the fetch policy built from it."""

import ipaddress
import re

from flask import current_app

from app import audit
from app.errors import PermissionDenied, ValidationError
from app.links.fetch import Policy
from app.models import User
from app.permissions import is_admin
from app.site_settings import get_setting, set_setting

SETTING = "link_preview_allowed_hosts"
MAX_ENTRIES = 50
_HOST = re.compile(r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
# Preview fetching limits; tests and operators may override them in the app config.
DEFAULTS = {
    "LINK_PREVIEW_TIMEOUT": 5.0,
    "LINK_PREVIEW_MAX_PAGE_BYTES": 512 * 1024,
    "LINK_PREVIEW_MAX_IMAGE_BYTES": 2 * 1024 * 1024,
    "LINK_PREVIEW_MAX_REDIRECTS": 4,
}


def limit(name: str):
    """A preview limit from the app config, else its default."""
    return current_app.config.get(name, DEFAULTS[name])


def parse_allowlist(text: str) -> tuple[list[str], list[str]]:
    """(clean entries, problems) from what an admin typed, one entry per line or comma."""
    entries, problems = [], []
    for raw in re.split(r"[\s,]+", text or ""):
        entry = raw.strip().lower().rstrip(".")
        if not entry:
            continue
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            if _HOST.match(entry) and len(entry) <= 253:
                entries.append(entry)
            else:
                problems.append(raw[:60])
            continue
        if network.is_unspecified or network.is_multicast or network.prefixlen == 0:
            problems.append(raw[:60])  # "everything" or nothing useful: not an intranet host
        else:
            entries.append(str(network))
    return list(dict.fromkeys(entries)), problems


def allowlist() -> list[str]:
    """The stored allow-list entries."""
    return parse_allowlist(get_setting(SETTING))[0]


def update_allowlist(admin: User, text: str) -> list[str]:
    """An admin replaces the allow-list; every entry must be a host name, "*.suffix", IP or network."""
    if not is_admin(admin):
        raise PermissionDenied("Only admins can change which intranet sites previews may fetch.")
    entries, problems = parse_allowlist(text)
    if problems:
        raise ValidationError(
            {
                "allowed_hosts": f"These aren't host names, IP addresses or networks: {', '.join(problems[:5])}."
            }
        )
    if len(entries) > MAX_ENTRIES:
        raise ValidationError({"allowed_hosts": f"List at most {MAX_ENTRIES} hosts or networks."})
    before = allowlist()
    set_setting(SETTING, "\n".join(entries))
    audit.record(admin, "settings.link_previews_updated", before=before, after=entries)
    return entries


def current_policy() -> Policy:
    """The fetch policy: configured limits plus the admins' allow-list."""
    hosts, networks = [], []
    for entry in allowlist():
        try:
            networks.append(ipaddress.ip_network(entry))
        except ValueError:
            hosts.append(entry)
    return Policy(
        timeout=float(limit("LINK_PREVIEW_TIMEOUT")),
        max_redirects=int(limit("LINK_PREVIEW_MAX_REDIRECTS")),
        allowed_hosts=tuple(hosts),
        allowed_networks=tuple(networks),
        user_agent=f"Rollcall-LinkPreview/1 (+{current_app.config['BASE_URL']})",
    )
