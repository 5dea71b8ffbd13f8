"""What each index segment holds, read once into Python sets and dicts and cached on its reader.

Whoosh's matchers and collectors walk every match in Python (~3.5 µs a match; a common word
matches ~9,500 posts at 100k). Read instead a term's postings block by block into a dict
(document number -> saturated term frequency); a search is then set intersections, unions and
differences done in C, and its count is a len(). The shared searcher keeps an unchanged segment's
reader across commits (index.py), so these caches survive new posts; a segment that gains
deletions or is merged gets a new reader, and so fresh caches.
"""

import heapq
import weakref
from bisect import bisect_right
from collections import OrderedDict
from itertools import accumulate, islice

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import Phrase

K1 = 1.2  # BM25 term-frequency saturation (ShortTextBM25 in index.py uses the same)
TERM_BUDGET = 1_000_000  # postings kept per segment (~85 bytes each); least recently used go first
SCOPES_KEPT = 16  # permission scopes kept per segment (people who can read the same communities share one)


def saturate(weight: float) -> float:
    """BM25's term-frequency part with b = 0: 1.0 for one occurrence, approaching 2.2."""
    return weight * (K1 + 1) / (weight + K1)


def _read_postings(reader, field: str, text: str) -> dict[int, float]:
    """{document number: saturated frequency} for one term in one segment, deleted documents left out."""
    if (field, text) not in reader:
        return {}
    matcher = reader.postings(field, text)
    if isinstance(matcher, FilterMatcher):  # the deletions filter: applied below, in C
        matcher = matcher.child
    found: dict[int, float] = {}
    table: dict[float, float] = {}  # one float object per distinct weight
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():  # a block (~128 postings) at a time, not a posting at a time
            if matcher._data is None:
                matcher._read_data()
            ids, weights = matcher._data[0], matcher._data[1]
            if not matcher._byteids:  # stored as gaps: Whoosh's delta_decode does this in Python
                ids = accumulate(ids)
            if weights is None or isinstance(weights, float):  # every posting of the block alike
                found.update(dict.fromkeys(ids, saturate(weights or 1.0)))
            else:
                for weight in set(weights):
                    if weight not in table:
                        table[weight] = saturate(weight)
                found.update(zip(ids, map(table.__getitem__, weights), strict=True))
            matcher._next_block()
    else:  # short posting lists are kept inline in the term info
        while matcher.is_active():
            found[matcher.id()] = saturate(matcher.weight())
            matcher.next()
    if reader.has_deletions():
        for docnum in reader.deleted_docs_set & found.keys():
            del found[docnum]
    return found


class SegmentCache:
    """One segment's cached postings, filter sets, permission scopes and dates."""

    def __init__(self, reader) -> None:
        # Weakly: the cache lives on the reader, and a cycle would keep each replaced segment's
        # reader (and its mapped file) until a full garbage collection (see whoosh_memory.py).
        self._reader = weakref.ref(reader)
        self.terms: OrderedDict[tuple, dict[int, float]] = OrderedDict()
        self.held = 0  # postings in self.terms
        self._levels: dict[int, dict[float, frozenset[int]]] = {}  # by id() of a dict in self.terms
        self.sets: dict[tuple[str, str], frozenset[int]] = {}  # type, community: few, always kept
        self.scopes: OrderedDict[tuple, tuple[set | None, set | None]] = OrderedDict()
        self._created: list[int] | None = None
        self._by_date: list[int] | None = None  # document numbers, newest first
        self._rank: list[int] | None = None  # minus each document's place in _by_date

    @property
    def reader(self):
        """The segment's reader (alive while anyone searches it: the cache is its attribute)."""
        return self._reader()

    def term(self, field: str, text: str) -> dict[int, float]:
        """A word's postings in one field (least recently used terms are dropped past TERM_BUDGET)."""
        return self._kept(("term", field, text), lambda: _read_postings(self.reader, field, text))

    def phrase(self, searcher, field: str, words: tuple[str, ...]) -> dict[int, float]:
        """Documents with these words in this order (Whoosh's positions), each counting 1.0."""

        def read() -> dict[int, float]:
            if not all(self.term(field, word) for word in words):
                return {}
            return dict.fromkeys(Phrase(field, list(words)).matcher(searcher).all_ids(), 1.0)

        return self._kept(("phrase", field, words), read)

    def any_of(self, field: str, texts: tuple[str, ...]) -> dict[int, float]:
        """Documents with any of these words (a prefix's completions), each counting 1.0."""

        def read() -> dict[int, float]:
            return dict.fromkeys(set().union(*(self.term(field, t).keys() for t in texts)), 1.0)

        return self._kept(("any", field, texts), read)

    def _kept(self, key: tuple, read) -> dict[int, float]:
        found = self.terms.get(key)
        if found is not None:
            self.terms.move_to_end(key)
            return found
        found = self.terms[key] = read()
        self.held += len(found)
        while self.held > TERM_BUDGET and len(self.terms) > 1:
            _, dropped = self.terms.popitem(last=False)
            self.held -= len(dropped) * (2 if self._levels.pop(id(dropped), None) is not None else 1)
        return found

    def levels(self, postings: dict[int, float]) -> dict[float, frozenset[int]]:
        """A cached dict's documents grouped by value (a word's few distinct frequencies)."""
        found = self._levels.get(id(postings))
        if found is None:
            # Sorted by value, then cut at each value's end: C does the per-posting work.
            ordered = sorted(postings, key=postings.__getitem__)
            values = list(map(postings.__getitem__, ordered))
            found, start = {}, 0
            for value in sorted(set(values)):
                end = bisect_right(values, value, start)
                found[value] = frozenset(ordered[start:end])
                start = end
            if any(postings is kept for kept in self.terms.values()):  # else its id() may be reused
                self._levels[id(postings)] = found
                self.held += len(postings)  # counted again: the groups hold as many
        return found

    def docs(self, field: str, text: str) -> frozenset[int]:
        """The documents of one type or community (kept for the segment's life: there are few)."""
        if (field, text) not in self.sets:
            self.sets[(field, text)] = frozenset(_read_postings(self.reader, field, text))
        return self.sets[(field, text)]

    def lexicon(self, field: str) -> set[str]:
        """Every value of a filter field in this segment."""
        return {t.decode() if isinstance(t, bytes) else t for t in self.reader.lexicon(field)}

    def created(self) -> list[int]:
        """Each document's date (milliseconds since 1970; 0 when undated), by document number."""
        if self._created is None:
            self._created = list(self.reader.column_reader("created"))
        return self._created

    def newest(self, docs: set[int] | frozenset[int], limit: int) -> list[int]:
        """The `limit` newest of these documents (of equal dates, the lower document number first)."""
        if self._by_date is None:
            created = self.created()
            self._by_date = sorted(range(len(created)), key=created.__getitem__, reverse=True)
            self._rank = [0] * len(created)
            for position, docnum in enumerate(self._by_date):
                self._rank[docnum] = -position
        if len(docs) ** 2 > limit * len(self._by_date) // 4:
            # Many: walk the dates from the newest until `limit` are found (in C, ~limit * n / |docs|)
            return list(islice(filter(docs.__contains__, self._by_date), limit))
        return heapq.nlargest(limit, docs, key=self._rank.__getitem__)

    def live(self) -> set[int]:
        """Every document not deleted (for a search of filters alone)."""
        every = set(range(self.reader.doc_count_all()))
        return every - self.reader.deleted_docs_set if self.reader.has_deletions() else every

    def scope(self, types: frozenset[str], scoped: bool, allowed: frozenset[str] | None, whole_tab: bool):
        """(allow, mask): the documents a search may return, or those it may not (None: no limit).

        `types` are the tab's; `allowed` the communities the person may read when the tab's types
        are scoped (`whole_tab`: every type in the tab is). Whichever set is smaller is kept."""
        key = (types, scoped, allowed, whole_tab)
        if key in self.scopes:
            self.scopes.move_to_end(key)
            return self.scopes[key]
        allow: set[int] | None = None
        mask: set[int] = set()
        present = self.lexicon("type")
        if present - types:
            inside = set().union(*(self.docs("type", t) for t in present & types))
            if 2 * len(inside) < self.reader.doc_count():
                allow = inside
            else:
                mask = set().union(*(self.docs("type", t) for t in present - types))
        if scoped:
            communities = self.lexicon("community")
            readable = communities & (allowed or frozenset())
            hidden = set().union(*(self.docs("community", c) for c in communities - readable))
            if whole_tab and hidden:
                shown = set().union(*(self.docs("community", c) for c in readable))
                if len(shown) < len(hidden):
                    allow = shown if allow is None else allow & shown
                    hidden = set()
            mask |= hidden
        if allow is not None and mask:
            allow, mask = allow - mask, set()
        found = self.scopes[key] = (allow, mask or None)
        if len(self.scopes) > SCOPES_KEPT:
            self.scopes.popitem(last=False)
        return found


def segment_cache(reader) -> SegmentCache:
    """The cache that lives on one segment's reader (made on first use)."""
    cache = getattr(reader, "_rollcall_cache", None)
    if cache is None:
        cache = reader._rollcall_cache = SegmentCache(reader)
    return cache
