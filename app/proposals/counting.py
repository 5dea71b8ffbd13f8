"""Counting a draft the way its channel counts it: plain characters, or X's weighted rule.

X's rule follows twitter-text's configuration v3: the text is NFC-normalised; every link counts 23
whatever its length; an emoji (a whole sequence: skin tones, flags, keycaps, ZWJ families) counts 2;
any other code point counts 1 inside the v3 ranges (Latin, Greek, Cyrillic, Hebrew, Arabic, Indic
scripts up to U+10FF, general punctuation) and 2 outside them (CJK, most symbols). static/js/count.js
is the same rule for the live count; tests/data/x_count_cases.json holds the cases both must agree on.

Link detection is twitter-text's in spirit, not every detail: http(s):// and www. links, and bare
domains ending in a common or two-letter country top-level domain (one-label country domains such
as "gov.uk" without a path are not links, as on X). A bare domain on a rare TLD counts at its length.
"""

import re
import unicodedata

X_CONFIG = {
    "version": 3,
    "max_weighted_length": 280,
    "scale": 100,
    "default_weight": 200,
    "transformed_url_length": 23,
    "ranges": ((0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100)),
}

# Generic TLDs a bare domain may end in (two-letter country codes are matched by shape).
GENERIC_TLDS = (
    "com|org|net|gov|edu|int|mil|info|biz|io|app|dev|online|news|blog|site|tech|police|nhs|"
    "scot|wales|cymru|london|media|social|charity|community|services"
)
# Patterns are spelled out (no \w, \s or IGNORECASE) so that Python and JavaScript read them alike.
SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_PICT = (
    "\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328\u23cf\u23e9-\u23f3"
    "\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u27bf\u2934\u2935\u2b05-\u2b07"
    "\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297\u3299\U0001f000-\U0001f1e5\U0001f200-\U0001faff"
)
_MOD = "\U0001f3fb-\U0001f3ff"
EMOJI_PATTERN = (
    "[\U0001f1e6-\U0001f1ff]{2}"  # a flag: two regional indicators
    "|\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"  # a subdivision flag (England, Scotland, Wales)
    "|[0-9#*]\ufe0f?\u20e3"  # a keycap
    "|[\u00a9\u00ae]\ufe0f"  # (c) and (R) only count as emoji with the emoji presentation selector
    f"|[{_PICT}](?:\ufe0f|[{_MOD}])?(?:\u200d[{_PICT}](?:\ufe0f|[{_MOD}])?)*"
)


def _any_case(word: str) -> str:
    return "".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in word)


_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_TLD = "|".join(map(_any_case, GENERIC_TLDS.split("|"))) + "|[A-Za-z]{2}"
URL_PATTERN = (
    f"(?:{_any_case('http')}[sS]?://|{_any_case('www')}\\.)[^{SPACE}]+"
    f"|(?<![A-Za-z0-9_@.\\-/])(?:{_LABEL}\\.)+(?:{_TLD})(?![A-Za-z0-9_-])(?:[/?#][^{SPACE}]*)?"
)
_TOKEN = re.compile(f"(?P<url>{URL_PATTERN})|(?P<emoji>{EMOJI_PATTERN})")
_TRAILING = ".,:;!?'\""
_IMAGE_URL = re.compile(r"\.(?:png|jpe?g|gif|webp|avif|svg|heic)(?:[?#]|$)", re.IGNORECASE)
_SHORT_DOMAIN = re.compile(r"^[A-Za-z0-9-]+\.[A-Za-z]{2}$")


def _trim_url(url: str) -> str:
    """Drop trailing punctuation that ends the sentence, not the link (balanced brackets stay)."""
    while url:
        last = url[-1]
        if last in _TRAILING or (last == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        else:
            break
    return url


def _is_link(url: str) -> bool:
    """A bare one-label country domain without a path ("gov.uk") is not a link, except t.co."""
    if url.lower().startswith(("http://", "https://", "www.")):
        return True
    return url.lower() == "t.co" or not _SHORT_DOMAIN.match(url)


def links(text: str) -> list[str]:
    """The links in a text, as X would count them."""
    found = []
    for match in _TOKEN.finditer(unicodedata.normalize("NFC", text or "")):
        url = _trim_url(match.group("url") or "")
        if url and _is_link(url):
            found.append(url)
    return found


def _weight(char: str) -> int:
    point = ord(char)
    for start, end, weight in X_CONFIG["ranges"]:
        if start <= point <= end:
            return weight
    return X_CONFIG["default_weight"]


def x_weighted_length(text: str) -> int:
    """The length X counts for a post (twitter-text config v3)."""
    text = unicodedata.normalize("NFC", text or "")
    total, pos = 0, 0
    scale = X_CONFIG["scale"]
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match and match.group("url"):
            url = _trim_url(match.group("url"))
            if url and _is_link(url):
                total += X_CONFIG["transformed_url_length"] * scale
                pos += len(url)
                continue
            match = None
        if match and match.group("emoji"):
            total += X_CONFIG["default_weight"]
            pos = match.end()
            continue
        total += _weight(text[pos])
        pos += 1
    return total // scale


def character_length(text: str) -> int:
    """Characters as a person counts them (Unicode code points after NFC)."""
    return len(unicodedata.normalize("NFC", text or ""))


COUNTERS = {"characters": character_length, "x_weighted": x_weighted_length}


def count(text: str, rule: str) -> int:
    """The draft's length under a channel's counting rule."""
    return COUNTERS.get(rule, character_length)(text)


def references_image(text: str) -> bool:
    """Whether the draft links to an image file (so it needs alt text)."""
    return any(_IMAGE_URL.search(url) for url in links(text))
