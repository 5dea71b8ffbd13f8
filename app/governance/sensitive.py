"""The sensitive-content warning: admins' pattern settings, the warner posts, replies and curated links
run before publishing (app/posts/screening.py), recording confirmations, and protective markings."""

import re

from flask import current_app
from sqlalchemy import select

from app import audit
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.forms import clean_text
from app.governance import clock
from app.governance.patterns import BY_KEY, PATTERNS, PatternSettings, check_format, scan
from app.models import SensitiveConfirmation, Setting, User
from app.permissions import is_admin
from app.posts import screening
from app.site_settings import DEFAULTS, set_setting

KEYS = (
    "sensitive_disabled",
    "sensitive_reference_formats",
    "sensitive_phrases",
    "sensitive_email_domains",
    "protective_markings",
)
MAX_LINES, MAX_LINE = 50, 60
_DOMAIN = re.compile(r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_MARKING = re.compile(r"^[A-Z0-9][A-Z0-9 :/-]{0,38}$")


def _stored() -> dict[str, str]:
    """Every sensitive-content setting in one query, with defaults."""
    rows = dict(db.session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(KEYS))).all())
    return {key: rows.get(key, DEFAULTS[key]) for key in KEYS}


def _lines(text: str) -> list[str]:
    return list(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))


def pattern_settings(stored: dict[str, str] | None = None) -> PatternSettings:
    """The patterns as admins set them, with the organisation's own domains (ALLOWED_EMAIL_DOMAINS)."""
    stored = stored or _stored()
    domains = [d.lower() for d in _lines(stored["sensitive_email_domains"])]
    return PatternSettings(
        disabled=frozenset(k for k in stored["sensitive_disabled"].split(",") if k),
        reference_formats=tuple(_lines(stored["sensitive_reference_formats"])),
        phrases=tuple(_lines(stored["sensitive_phrases"])),
        email_domains=tuple(current_app.config["ALLOWED_EMAIL_DOMAINS"]) + tuple(domains),
    )


@screening.register_warner
def sensitive_findings(author: User, texts: dict[str, str]) -> list[screening.Finding]:
    """What in each text matches a pattern, for the author to edit or confirm."""
    settings = pattern_settings()
    return [
        screening.Finding(field=field, pattern=pattern.key, label=pattern.label, text=match)
        for field, text in texts.items()
        for pattern, match in scan(text, settings)
    ]


@screening.register_confirm_handler
def record_confirmation(
    author: User, item_type: str, item_id: int, findings: list[screening.Finding]
) -> None:
    """One row per pattern the author confirmed past: who, which pattern, which item, how many matches."""
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.pattern] = counts.get(finding.pattern, 0) + 1
    db.session.add_all(
        SensitiveConfirmation(
            user_id=author.id,
            item_type=item_type,
            item_id=item_id,
            pattern=pattern,
            matches=count,
            created_at=clock.now(),
        )
        for pattern, count in counts.items()
    )
    db.session.flush()


def recent_confirmations(limit: int = 50) -> list[SensitiveConfirmation]:
    """The latest confirmations, newest first (for the admin page)."""
    return list(
        db.session.scalars(
            select(SensitiveConfirmation).order_by(SensitiveConfirmation.id.desc()).limit(limit)
        )
    )


def pattern_label(key: str) -> str:
    """The words for a pattern key (keys of patterns since removed show as they are)."""
    return BY_KEY[key].label if key in BY_KEY else key


def current_form() -> dict[str, str]:
    """The admin form's values as stored."""
    return _stored()


def _check_lines(field: str, lines: list[str], errors: dict, check) -> None:
    if len(lines) > MAX_LINES:
        errors[field] = f"Use at most {MAX_LINES} lines."
        return
    for line in lines:
        problem = f"Keep each line to {MAX_LINE} characters." if len(line) > MAX_LINE else check(line)
        if problem:
            errors[field] = problem
            return


def update_settings(admin: User, form: dict) -> None:
    """Save the pattern settings from the admin page (audited): enabled patterns, formats, phrases,
    domains and markings."""
    if not is_admin(admin):
        raise PermissionDenied("Only admins can change the sensitive-content patterns.")
    enabled = set(form.get("enabled", []))
    values = {
        "sensitive_disabled": ",".join(p.key for p in PATTERNS if p.key not in enabled),
        "sensitive_reference_formats": "\n".join(_lines(form.get("reference_formats", ""))),
        "sensitive_phrases": "\n".join(clean_text(x) for x in _lines(form.get("phrases", ""))),
        "sensitive_email_domains": "\n".join(
            d.lower().lstrip("@") for d in _lines(form.get("email_domains", ""))
        ),
        "protective_markings": "\n".join(clean_text(m).upper() for m in _lines(form.get("markings", ""))),
    }
    errors: dict[str, str] = {}
    _check_lines("reference_formats", _lines(values["sensitive_reference_formats"]), errors, check_format)
    _check_lines("phrases", _lines(values["sensitive_phrases"]), errors, lambda _line: None)
    _check_lines(
        "email_domains",
        _lines(values["sensitive_email_domains"]),
        errors,
        lambda d: None if _DOMAIN.match(d) else f"“{d[:40]}” isn't a domain like northshire.police.uk.",
    )
    _check_lines(
        "markings",
        _lines(values["protective_markings"]),
        errors,
        lambda m: None if _MARKING.match(m) else f"“{m[:40]}”: use capitals, digits, spaces and - only.",
    )
    if errors:
        raise ValidationError(errors)
    before = _stored()
    changed = {key: value for key, value in values.items() if value != before[key]}
    for key, value in changed.items():
        set_setting(key, value)
    if changed:
        audit.record(admin, "settings.sensitive_patterns_updated", "settings", None, changed=sorted(changed))
