"""Site-wide settings admins change in the browser, with their defaults."""

from sqlalchemy import select

from app.extensions import db
from app.models import Setting

DEFAULTS = {
    # Roles (besides admin) who may create private and secret communities.
    "restricted_community_creators": "comms,leader",
    "self_registration": "1",
    # Minutes without activity after which a session ends (app/auth/idle.py).
    "session_idle_minutes": "480",
    # Intranet hosts (names, "*.suffix", IP addresses or networks) link previews may fetch from.
    "link_preview_allowed_hosts": "",
    # "1": password sign-in, registration and reset are off for everyone but admins (app/identity).
    "sso_only": "0",
    # The UTC date of the last nightly roster sync (app/identity/roster_job.py).
    "roster_synced_on": "",
    # Insights: a unit or community with fewer people than this is shown only inside a larger total.
    "insights_privacy_threshold": "5",
    # The UTC date of the last nightly retention run (app/governance/retention_job.py).
    "retention_ran_on": "",
    # Sensitive-content warnings (app/governance/sensitive.py): built-in patterns switched off
    # (comma-separated keys), crime/incident reference formats, phrases to check, and the email
    # domains besides ALLOWED_EMAIL_DOMAINS whose addresses aren't personal (one per line).
    "sensitive_disabled": "",
    "sensitive_reference_formats": "CR/#####/##",
    "sensitive_phrases": "",
    "sensitive_email_domains": "gov.uk\npolice.uk\nnhs.uk\nnhs.net",
    # The protective-marking labels a post may carry, one per line.
    "protective_markings": "OFFICIAL\nOFFICIAL-SENSITIVE",
}


def get_setting(key: str) -> str:
    """The stored value, or the default."""
    value = db.session.scalar(select(Setting.value).where(Setting.key == key))
    return DEFAULTS[key] if value is None else value


def set_setting(key: str, value: str) -> None:
    """Store a value (flushes; the caller commits)."""
    if key not in DEFAULTS:
        raise KeyError(key)
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    db.session.flush()


def role_list(key: str) -> list[str]:
    """A comma-separated setting as a list of role names."""
    return [r for r in get_setting(key).split(",") if r]
