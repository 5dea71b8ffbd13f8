"""Reading what people type into the search box (plain Python; searching.py turns it into Whoosh).

safeguarding training       every word must match (AND)
"stop and search"           a phrase
-overtime  -"night shift"   leave out a word or a phrase
polic*                      words starting with "polic" (police, policing, policy)
from:@jordan.ellis          written by a person (by @handle)
in:response-team            in one community (by the slug in its address)
#wellbeing                  with a topic
"""

import re
from dataclasses import dataclass, field

from app.errors import ValidationError
from app.forms import clean_text
from app.sanitize import HANDLE_RE, TOPIC_RE

MAX_QUERY = 200
MAX_PARTS = 20
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_FROM = re.compile(r"from:@?(" + HANDLE_RE.pattern + r")$", re.IGNORECASE)
_IN = re.compile(r"in:([a-z0-9][a-z0-9-]{0,79})$", re.IGNORECASE)
_TOPIC = re.compile(r"#(" + TOPIC_RE.pattern + r")$", re.IGNORECASE)
_PREFIX = re.compile(r"(\w[\w'-]*\w|\w{2,})\*$")


@dataclass
class ParsedQuery:
    """A search, taken apart: what must match, what must not, and the filters typed with it."""

    text: str = ""
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    communities: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)

    @property
    def has_terms(self) -> bool:
        """Whether anything must match (not only filters or exclusions)."""
        return bool(self.words or self.phrases or self.prefixes)

    @property
    def is_empty(self) -> bool:
        """Nothing typed at all."""
        return not (self.has_terms or self.excluded or self.authors or self.communities or self.topics)

    def with_word(self, old: str, new: str) -> str:
        """The query as typed with one word replaced (for a "did you mean" link)."""
        return re.sub(r"(?<!\S)" + re.escape(old) + r"(?!\S)", new, self.text, count=1)


def parse_query(raw: str | None) -> ParsedQuery:
    """Take a search apart; ValidationError({"q": ...}) when it is too long to run."""
    text = clean_text(raw)
    if len(text) > MAX_QUERY:
        raise ValidationError(
            {"q": f"Keep your search under {MAX_QUERY} characters (this is {len(text):,})."},
            "That search is too long.",
        )
    parsed = ParsedQuery(text=text)
    for match in _TOKEN.finditer(text):
        negate, phrase, word = match.groups()
        if phrase is not None:
            if phrase.strip():
                (parsed.excluded if negate else parsed.phrases).append(phrase.strip())
            continue
        _add_word(parsed, word)
    if len(parsed.words) + len(parsed.phrases) + len(parsed.prefixes) + len(parsed.excluded) > MAX_PARTS:
        raise ValidationError(
            {"q": f"Use at most {MAX_PARTS} words; the most telling few work best."},
            "That search has too many words.",
        )
    return parsed


def _add_word(parsed: ParsedQuery, word: str) -> None:
    if (found := _FROM.match(word)) is not None:
        parsed.authors.append(found.group(1).lower())
    elif (found := _IN.match(word)) is not None:
        parsed.communities.append(found.group(1).lower())
    elif (found := _TOPIC.match(word)) is not None:
        parsed.topics.append(found.group(1).lower())
    elif word.startswith("-") and len(word) > 1:
        parsed.excluded.append(word[1:].lstrip("#"))
    elif (found := _PREFIX.match(word)) is not None:
        parsed.prefixes.append(found.group(1))
    else:
        parsed.words.append(word)
