"""The sensitive-content patterns: what each one looks for, built from the admins' settings.

Pure functions of the text and the settings (no database), so the true- and false-positive tables in
tests/governance/test_patterns.py pin each one down.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

MAX_SHOWN = 60  # characters of a match shown back to the author


@dataclass(frozen=True)
class PatternSettings:
    """What admins choose: patterns switched off, reference formats, phrases and email domains."""

    disabled: frozenset[str] = frozenset()
    reference_formats: tuple[str, ...] = ("CR/#####/##",)
    phrases: tuple[str, ...] = ()
    # The organisation's own and partner domains: addresses there aren't personal.
    email_domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pattern:
    """A built-in pattern: its key, the words the author reads, and what it finds in a text."""

    key: str
    label: str
    description: str
    find: Callable[[str, PatternSettings], Iterator[str]]


# Protective markings (Government Security Classifications, and the older GPMS ones still found in
# documents). Capitals only for SECRET and the GPMS words, so "a secret santa" or "confidential
# advice" in a sentence aren't flagged; OFFICIAL-SENSITIVE in any case (people type "Official
# Sensitive"). OFFICIAL on its own is the everyday baseline and isn't flagged.
_MARKING = re.compile(
    r"(?<![\w-])(?:(?i:official[ -]?sensitive)|TOP[ -]SECRET|SECRET|RESTRICTED|CONFIDENTIAL)(?![\w-])"
)
# UK phone numbers: +44 / 0044 / 0, then 9 or 10 digits as people space them ("07700 900123",
# "(020) 7946 0018", "+44 (0)161 496 0000"). The first national digit must be one the UK uses.
_PHONE = re.compile(
    r"(?<![\w+/.])(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?|\(?0)((?:[\s\-)]{0,2}\d){9,10})(?![\w/]|\.\d)"
)
# National Insurance numbers: two prefix letters (never D, F, I, Q, U, V first; never D, F, I, O, Q,
# U, V second; never the unused pairs), six digits, a suffix A-D; spaced or not, any case.
_NINO = re.compile(
    r"(?<![A-Za-z0-9])(?!(?i:BG|GB|KN|NK|NT|TN|ZZ))(?i:[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])"
    r"\s?\d{2}\s?\d{2}\s?\d{2}\s?(?i:[A-D])(?![A-Za-z0-9])"
)
# Vehicle registrations: the current format (AB12 CDE) in any case; the older prefix (A123 BCD) and
# suffix (ABC 123D) formats in capitals only, as plates are written, and never "M25 ..." (motorways).
_PLATES = (
    re.compile(r"(?<![A-Za-z0-9])(?i:[A-Z]{2}[0-9]{2}\s?[A-Z]{3})(?![A-Za-z0-9])"),
    re.compile(r"(?<![A-Za-z0-9])[A-HJ-LN-PR-Y][1-9][0-9]{0,2}\s?[A-Z]{3}(?![A-Za-z0-9])"),
    re.compile(r"(?<![A-Za-z0-9])[A-Z]{3}\s?[1-9][0-9]{0,2}[A-HJ-NP-Y](?![A-Za-z0-9])"),
)
_EMAIL = re.compile(r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_FORMAT_CHARS = {"#": r"\d", "@": "[A-Za-z]"}


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _markings(text: str, _settings: PatternSettings) -> Iterator[str]:
    for match in _MARKING.finditer(text):
        yield match.group(0)


def _phones(text: str, _settings: PatternSettings) -> Iterator[str]:
    for match in _PHONE.finditer(text):
        national = re.sub(r"\D", "", match.group(1))
        if national[0] in "1235789":
            yield match.group(0).strip()


def _ninos(text: str, _settings: PatternSettings) -> Iterator[str]:
    for match in _NINO.finditer(text):
        yield match.group(0)


def _plates(text: str, _settings: PatternSettings) -> Iterator[str]:
    seen: set[tuple[int, int]] = set()
    for pattern in _PLATES:
        for match in pattern.finditer(text):
            if match.span() not in seen:
                seen.add(match.span())
                yield match.group(0)


def domain_allowed(domain: str, allowed: tuple[str, ...]) -> bool:
    """The domain is an allowed one or below one (police.uk covers northshire.police.uk)."""
    domain = domain.lower().rstrip(".")
    return any(domain == d or domain.endswith("." + d) for d in allowed)


def _emails(text: str, settings: PatternSettings) -> Iterator[str]:
    for match in _EMAIL.finditer(text):
        if not domain_allowed(match.group(1), settings.email_domains):
            yield match.group(0)


def format_regex(template: str) -> str:
    """A reference format as a regular expression: # is a digit, @ a letter, the rest literal."""
    return "".join(_FORMAT_CHARS.get(ch) or re.escape(ch) for ch in template)


def check_format(template: str) -> str | None:
    """Why a reference format can't be used, or None: it needs a few digits so it can't match words."""
    if len(template) > 40:
        return "Keep each format to 40 characters."
    if template.count("#") < 3:
        return f"“{template}” needs at least three # (digits), so it can't match ordinary words."
    return None


def _references(text: str, settings: PatternSettings) -> Iterator[str]:
    formats = [f for f in settings.reference_formats if check_format(f) is None]
    if not formats:
        return
    pattern = re.compile(
        r"(?<![\w/])(?:" + "|".join(format_regex(f) for f in formats) + r")(?![\w/])", re.IGNORECASE
    )
    for match in pattern.finditer(text):
        yield match.group(0)


def _phrases(text: str, settings: PatternSettings) -> Iterator[str]:
    if not settings.phrases:
        return
    words = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in settings.phrases)
    for match in re.finditer(rf"(?<!\w)(?:{words})(?!\w)", text, re.IGNORECASE):
        yield match.group(0)


PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "protective_marking",
        "a protective marking",
        "OFFICIAL-SENSITIVE, SECRET, TOP SECRET (and the older RESTRICTED and CONFIDENTIAL), in capitals.",
        _markings,
    ),
    Pattern(
        "crime_reference",
        "a crime or incident reference",
        "References in the formats set below (# is a digit, @ a letter), e.g. CR/12345/26.",
        _references,
    ),
    Pattern(
        "uk_phone",
        "a phone number",
        "UK landline and mobile numbers, written with 0 or +44, spaced or not.",
        _phones,
    ),
    Pattern(
        "ni_number",
        "a National Insurance number",
        "Two letters, six digits and a letter A to D, e.g. AB 12 34 56 C.",
        _ninos,
    ),
    Pattern(
        "vehicle_registration",
        "a vehicle registration",
        "UK number plates: AB12 CDE, and the older A123 BCD and ABC 123D written in capitals.",
        _plates,
    ),
    Pattern(
        "personal_email",
        "an email address outside the organisation",
        "Any email address not in the organisation's domains listed below (it may be someone's personal one).",
        _emails,
    ),
    Pattern(
        "phrase",
        "a phrase your organisation asks you to check",
        "Words or phrases set below (operation names, for example), whole words in any case.",
        _phrases,
    ),
)
BY_KEY = {p.key: p for p in PATTERNS}


def scan(text: str, settings: PatternSettings) -> list[tuple[Pattern, str]]:
    """Every (pattern, matched text) in the text, each distinct match once, in pattern order."""
    found: list[tuple[Pattern, str]] = []
    for pattern in PATTERNS:
        if pattern.key in settings.disabled:
            continue
        seen: set[str] = set()
        for match in pattern.find(text or "", settings):
            shown = _shown(match)
            if shown.lower() not in seen:
                seen.add(shown.lower())
                found.append((pattern, shown))
    return found
