"""The sensitive-content patterns, pinned down by tables of texts they must and must not flag."""

import pytest

from app.governance.patterns import PATTERNS, PatternSettings, check_format, format_regex, scan

SETTINGS = PatternSettings(
    reference_formats=("CR/#####/##", "INC-@@-####"),
    phrases=("Operation Nightjar",),
    email_domains=("northshire.police.uk", "gov.uk", "nhs.net"),
)

# (pattern key, text, what it should find)
TRUE_POSITIVES = [
    ("protective_marking", "This briefing is OFFICIAL-SENSITIVE.", "OFFICIAL-SENSITIVE"),
    ("protective_marking", "marked Official Sensitive by the author", "Official Sensitive"),
    ("protective_marking", "official-sensitive: personal", "official-sensitive"),
    ("protective_marking", "Classified SECRET until 2030", "SECRET"),
    ("protective_marking", "a TOP SECRET annex", "TOP SECRET"),
    ("protective_marking", "the old RESTRICTED marking", "RESTRICTED"),
    ("protective_marking", "CONFIDENTIAL - HR", "CONFIDENTIAL"),
    ("crime_reference", "Linked to CR/12345/26 last week", "CR/12345/26"),
    ("crime_reference", "see cr/00042/25", "cr/00042/25"),
    ("crime_reference", "log INC-AB-1234 opened", "INC-AB-1234"),
    ("uk_phone", "Call me on 07700 900123", "07700 900123"),
    ("uk_phone", "mobile 07700900123", "07700900123"),
    ("uk_phone", "ring +44 7700 900123 today", "+44 7700 900123"),
    ("uk_phone", "switchboard (020) 7946 0018", "(020) 7946 0018"),
    ("uk_phone", "+44 (0)161 496 0000 is the desk", "+44 (0)161 496 0000"),
    ("uk_phone", "0044 161 496 0000", "0044 161 496 0000"),
    ("uk_phone", "01632 960001", "01632 960001"),
    ("uk_phone", "0800 123 4567 free", "0800 123 4567"),
    ("ni_number", "NI number AB 12 34 56 C", "AB 12 34 56 C"),
    ("ni_number", "ab123456c", "ab123456c"),
    ("ni_number", "JG103759A on file", "JG103759A"),
    ("vehicle_registration", "silver Corsa NX19 KLM", "NX19 KLM"),
    ("vehicle_registration", "plate ab12cde", "ab12cde"),
    ("vehicle_registration", "an old A123 BCD", "A123 BCD"),
    ("vehicle_registration", "and ABC 123D too", "ABC 123D"),
    ("personal_email", "email sam.jones@gmail.com please", "sam.jones@gmail.com"),
    ("personal_email", "kim@hotmail.co.uk", "kim@hotmail.co.uk"),
    ("personal_email", "a.b+x@example.org", "a.b+x@example.org"),
    ("phrase", "Briefing on operation nightjar tomorrow", "operation nightjar"),
    ("phrase", "OPERATION  NIGHTJAR", "OPERATION NIGHTJAR"),  # shown with its spaces tidied
]

# Texts that look a little like one of the patterns but aren't: nothing may be flagged.
FALSE_POSITIVES = [
    "OFFICIAL guidance for everyone",  # the everyday marking isn't sensitive
    "the secret to a good cup of tea",
    "a Secret Santa draw",
    "confidential advice from HR",
    "CR/1234/26 has too few digits",
    "CR/12345/26/1 is a sub-reference of another format",
    "order number 0012345678",
    "on 2026-01-15 at 09:00-10:00",
    "£1,000,000 budget",
    "reference 12345678901",
    "version 0.1234567890",
    "call 999 or 101",
    "the 4.0123456789 ratio",
    "QQ123456C (the HMRC example, not a real prefix)",
    "GB123456A (an unused prefix)",
    "AB123456 without its suffix letter",
    "AB 12 34 56 E (E isn't a suffix)",
    "THE M25 AND M4",
    "postcode SW19 1AA",
    "FY24 budget review",
    "mp3 player",
    "and 100k views",
    "kim.reid@northshire.police.uk",
    "enquiries@ico.gov.uk",
    "someone@gp.nhs.net",
    "@hlewis thanks",
    "Operation Nightjars (plural)",
    "nightjar spotted on the moor",
]


@pytest.mark.parametrize(
    ("key", "text", "found"), TRUE_POSITIVES, ids=[f"{k}: {t}" for k, t, _ in TRUE_POSITIVES]
)
def test_each_pattern_finds_what_it_should(key, text, found):
    matches = [(pattern.key, match) for pattern, match in scan(text, SETTINGS)]
    assert (key, found) in matches


@pytest.mark.parametrize("text", FALSE_POSITIVES)
def test_ordinary_text_is_not_flagged(text):
    assert scan(text, SETTINGS) == []


def test_a_pattern_switched_off_finds_nothing():
    settings = PatternSettings(disabled=frozenset({"uk_phone"}))
    assert scan("Call 07700 900123 or mail x@gmail.com", settings) == [
        (next(p for p in PATTERNS if p.key == "personal_email"), "x@gmail.com")
    ]


def test_each_match_is_reported_once_and_long_ones_are_shortened():
    found = scan("07700 900123 and again 07700 900123", SETTINGS)
    assert [m for _, m in found] == ["07700 900123"]
    long_phrase = PatternSettings(phrases=("x" * 80,))
    (_, shown), *_ = scan("x" * 80, long_phrase)
    assert len(shown) == 60 and shown.endswith("…")


def test_without_organisation_domains_every_address_is_flagged():
    assert [m for _, m in scan("kim@northshire.police.uk", PatternSettings())] == ["kim@northshire.police.uk"]


def test_reference_formats_are_checked_and_translated():
    assert format_regex("CR/#####/##") == r"CR/\d\d\d\d\d/\d\d"
    assert format_regex("@@-###") == "[A-Za-z][A-Za-z]\\-\\d\\d\\d"
    assert check_format("CR/##") is not None  # would match far too much
    assert check_format("x" * 41) is not None
    assert check_format("INC-####") is None
    # A format that can't be used is ignored rather than matching everything.
    assert scan("CR 12", PatternSettings(reference_formats=("CR ##",))) == []
