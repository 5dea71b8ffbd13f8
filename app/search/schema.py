"""The index schema and the analyzer, chosen on purpose (DESIGN.md pitfall: Whoosh's default Porter
stemmer turns "running" into "runn", so "running" would never find "run" or "runs").

Words are split, lower-cased, accent-folded (café = cafe), common English words dropped (but not
"it" or "may": the IT service desk and the May bank holiday matter here), then stemmed with the
Snowball English stemmer: running, runs, run -> run; policing, police -> polic.
"""

import hashlib
from datetime import UTC, datetime

from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.filters import STOP_WORDS
from whoosh.fields import KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.support.charset import accent_map

from app.search.registry import Doc

# Bump when the schema, the analyzer or what a type indexes changes: a different version on disk
# means a rebuild. 4: update posts left the posts tab (an old index still held them there), and
# links, sessions, proposals, updates and questions got types of their own.
SCHEMA_VERSION = 4

STOPS = frozenset(STOP_WORDS - {"it", "may"})
ANALYZER = (
    RegexTokenizer()
    | LowercaseFilter()
    | CharsetFilter(accent_map)
    | StopFilter(stoplist=STOPS)
    | StemFilter(lang="en", cachesize=100_000)
)

# Words as typed (not stemmed) for "did you mean". Not Whoosh's spelling=True: its spell_ fields
# have no length column, and writing a segment then stats a missing file once per posting.
SPELLING_ANALYZER = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)

# Text fields a word is looked for in, with how much a match there counts.
TEXT_FIELDS = {"title": 3.0, "topics": 2.0, "body": 1.0}


def build_schema() -> Schema:
    """The one schema every searchable type shares.

    Filter fields are scorable KEYWORDs, not IDs: writing a segment asks each posting's field for
    its length column, and a field without one costs a stat() of a missing file per posting.
    """
    return Schema(
        key=KEYWORD(unique=True, stored=True, scorable=True),  # "<type>:<id>"
        type=KEYWORD(scorable=True),
        stamp=STORED,  # a digest of the document, so `flask search check` spots stale entries
        title=TEXT(analyzer=ANALYZER),
        topics=TEXT(analyzer=ANALYZER),
        body=TEXT(analyzer=ANALYZER),
        spelling=TEXT(analyzer=SPELLING_ANALYZER, phrase=False),
        tags=KEYWORD(lowercase=True, scorable=True),  # exact #topic names, for the #topic filter
        author=KEYWORD(scorable=True),
        community=KEYWORD(scorable=True),
        # Milliseconds since 1970 (0 when undated), so "newest" keeps the order of quick posts;
        # a coarse trie (4 terms a value) is plenty for date filters.
        created=NUMERIC(int, bits=64, shift_step=16, sortable=True),  # (signed: unsigned breaks open ranges)
    )


def epoch_ms(value: datetime | None) -> int:
    """Milliseconds since 1970 in UTC (0 for no date)."""
    return int(value.astimezone(UTC).timestamp() * 1000) if value else 0


def doc_key(type_name: str, item_id: int) -> str:
    """The index key of one item."""
    return f"{type_name}:{item_id}"


def split_key(key: str) -> tuple[str, int]:
    """(type name, id) from an index key."""
    type_name, _, item_id = key.partition(":")
    return type_name, int(item_id)


def stamp(doc: Doc) -> str:
    """A short digest of everything indexed for the item (equal digests: the entry is current)."""
    parts = [doc.title, doc.body, "|".join(doc.topics), str(doc.author_id), str(doc.community_id)]
    parts.append(str(epoch_ms(doc.created_at)))
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).hexdigest()


def fields(type_name: str, doc: Doc) -> dict:
    """The Whoosh fields for one document."""
    values = {
        "key": doc_key(type_name, doc.id),
        "type": type_name,
        "stamp": stamp(doc),
        "title": doc.title,
        "topics": " ".join(doc.topics),
        "body": doc.body,
        "spelling": f"{doc.title} {doc.body}",
        "tags": " ".join(t.lower() for t in doc.topics),
        "created": epoch_ms(doc.created_at),
    }
    if doc.author_id is not None:
        values["author"] = str(doc.author_id)
    if doc.community_id is not None:
        values["community"] = str(doc.community_id)
    return values
