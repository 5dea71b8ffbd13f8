"""A parsed search as a plan of terms, run as set operations on each segment, within the person's
permission scope, and ranked.

Not Whoosh's matchers and collectors: they walk every match in Python, and at 100k posts that was
~80% of a search (a common word matches ~9,500 posts). segments.py reads each term's postings once
into a dict cached on its segment's reader; here a search intersects the parts that must match
(words, phrases, prefixes, filters), applies the scope as one cached set of document numbers
(allowed, or masked when that is smaller), and removes exclusions, all in C. The count is the size
of that set, so it is exact and never includes what the person may not see. Every match is then
scored in one pass (`heapq.nlargest`): BM25 with b = 0 over the text fields (title x3, topics x2,
body x1), times the recency boost. Nothing is capped: the best of *all* matches come first.
"""

import heapq
import time
from dataclasses import dataclass, field

from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
from whoosh.support.charset import accent_map

from app.search.index import SearchIndex
from app.search.query import ParsedQuery
from app.search.registry import SearchType
from app.search.schema import ANALYZER, TEXT_FIELDS, split_key
from app.search.segments import segment_cache

_PREFIX_ANALYZER = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
PREFIX_EXPANSIONS = 64  # "co*" could name thousands of words: keep the most common few
# Recency: a brand-new item scores up to twice an old one; the boost halves every 60 days.
RECENCY_WEIGHT = 1.0
RECENCY_HALF_LIFE_MS = 60 * 86_400_000


@dataclass
class Criteria:
    """Filters resolved to ids: None means "no filter"; an empty list means "matches nothing"."""

    author_ids: list[int] | None = None
    community_ids: list[int] | None = None
    topics: list[str] = field(default_factory=list)
    start: int | None = None  # milliseconds since 1970, inclusive
    end: int | None = None  # milliseconds since 1970, exclusive
    # type name -> community ids the person may see (None: the whole type is visible)
    scopes: dict[str, list[int] | None] = field(default_factory=dict)


@dataclass
class Hits:
    """One window of ranked hits: (type name, id, matched words) from an offset, and the total."""

    total: int
    rows: list[tuple[str, int, frozenset[str]]]


@dataclass(frozen=True)
class Source:
    """One field's share of a part: a word ("term"), a phrase, or a prefix's completions ("any"),
    scored `weight` (idf x field boost) times the term's saturated frequency (1.0 for the others)."""

    kind: str
    field: str
    words: tuple[str, ...]
    weight: float


@dataclass
class Plan:
    """What a search needs: parts that must all match (each: any of its sources), parts that must
    not, filter terms (each group: any of them), a date range, and the words to mark."""

    parts: list[list[Source]] = field(default_factory=list)
    excluded: list[list[Source]] = field(default_factory=list)
    filters: list[list[tuple[str, str]]] = field(default_factory=list)
    start: int | None = None
    end: int | None = None
    marked: frozenset[str] = frozenset()
    nothing: bool = False  # some part can match no document


def analyze(text: str) -> list[str]:
    """The index terms for some typed text (stemmed, stop words dropped)."""
    return [token.text for token in ANALYZER(text, mode="query")]


def _sources(searcher, terms: list[str]) -> list[Source]:
    """A word (or the words of a phrase) in each text field that has it (posts have no titles)."""
    reader = searcher.reader()
    kind = "term" if len(terms) == 1 else "phrase"
    return [
        Source(kind, name, tuple(terms), boost * sum(searcher.idf(name, t) for t in terms))
        for name, boost in TEXT_FIELDS.items()
        if all(reader.doc_frequency(name, t) for t in terms)
    ]


def _prefix(searcher, typed: str) -> list[Source]:
    """The commonest completions of a prefix, per field; a completion counts once, like its
    commonest one (which completion, or how often, doesn't rank)."""
    reader = searcher.reader()
    tokens = [t.text for t in _PREFIX_ANALYZER(typed)]
    stems = {tokens[0], *analyze(tokens[0])} if tokens else set()
    found: dict[tuple[str, str], int] = {}
    for name in TEXT_FIELDS:
        for stem in stems:
            for term in reader.expand_prefix(name, stem):
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                found[(name, text)] = reader.doc_frequency(name, text)
    common = sorted(found, key=lambda k: -found[k])[:PREFIX_EXPANSIONS]
    sources = []
    for name, boost in TEXT_FIELDS.items():
        texts = tuple(sorted(text for f, text in common if f == name))
        if texts:
            commonest = max(texts, key=lambda t: found[(name, t)])
            sources.append(Source("any", name, texts, boost * searcher.idf(name, commonest)))
    return sources


def build_plan(searcher, parsed: ParsedQuery, criteria: Criteria) -> Plan:
    """The plan for what was typed and filtered, and the index terms a snippet should mark (never
    the excluded ones)."""
    plan = Plan(start=criteria.start, end=criteria.end)
    for text in [*parsed.words, *parsed.phrases]:
        terms = analyze(text)
        if terms:  # only stop words: nothing to look for
            plan.parts.append(_sources(searcher, terms))
    plan.parts += [_prefix(searcher, typed) for typed in parsed.prefixes]
    plan.marked = frozenset(word for part in plan.parts for source in part for word in source.words)
    if criteria.author_ids is not None:
        plan.filters.append([("author", str(i)) for i in criteria.author_ids])
    if criteria.community_ids is not None:
        plan.filters.append([("community", str(i)) for i in criteria.community_ids])
    plan.filters += [[("tags", topic)] for topic in criteria.topics]
    plan.nothing = any(not group for group in [*plan.parts, *plan.filters])
    left_out = [terms for terms in map(analyze, parsed.excluded) if terms]
    plan.excluded = [sources for sources in (_sources(searcher, terms) for terms in left_out) if sources]
    return plan


def _docs(cache, leaf, source: Source) -> dict[int, float]:
    if source.kind == "term":
        return cache.term(source.field, source.words[0])
    if source.kind == "phrase":
        return cache.phrase(leaf, source.field, source.words)
    return cache.any_of(source.field, source.words)


def _either(found: list) -> set | dict:
    """Documents in any of these (a dict's keys serve as they are when there is one)."""
    return found[0] if len(found) == 1 else set().union(*found)


def _scope(cache, types: list[SearchType], scopes: dict[str, list[int] | None]):
    scoped = [t for t in types if t.scope is not None]
    if not scoped:
        return cache.scope(frozenset(t.name for t in types), False, None, False)
    allowed = frozenset(str(i) for i in scopes.get(scoped[0].name) or ())
    if any(frozenset(str(i) for i in scopes.get(t.name) or ()) != allowed for t in scoped):
        raise ValueError("types shown together must share one scope")
    return cache.scope(frozenset(t.name for t in types), True, allowed, len(scoped) == len(types))


def _matches(leaf, plan: Plan, types, scopes) -> tuple[set[int], list[tuple[float, dict]]]:
    """One segment's matches within the scope, and the (weight, postings) that score them."""
    cache = segment_cache(leaf.reader())
    scoring: list[tuple[float, dict]] = []
    required: list = []
    for part in plan.parts:
        found = [(s.weight, d) for s in part if (d := _docs(cache, leaf, s))]
        if not found:
            return set(), []
        scoring += found
        required.append(_either([d.keys() for _, d in found]))
    for group in plan.filters:
        found = [d for name, value in group if (d := cache.term(name, value))]
        if not found:
            return set(), []
        required.append(_either([d.keys() for d in found]))
    required.sort(key=len)
    matched = set(required[0]) if required else cache.live()
    for docs in required[1:]:
        matched = matched & docs
    allow, mask = _scope(cache, types, scopes)
    if allow is not None:
        matched = matched & allow
    if mask:
        matched = matched - mask
    for part in plan.excluded:
        for source in part:
            matched.difference_update(_docs(cache, leaf, source))
    if plan.start is not None or plan.end is not None:
        low = plan.start if plan.start is not None else float("-inf")
        high = plan.end if plan.end is not None else float("inf")
        created = cache.created()
        matched = {d for d in matched if low <= created[d] < high}
    return matched, scoring


def _best(matched: set[int], scoring, cache, limit: int, newest: bool) -> list[tuple[float, int]]:
    """The `limit` best (score, document number) of one segment's matches; equal scores keep the
    lower document number first."""
    created = cache.created()
    if newest or not scoring:  # filters alone rank by the recency boost alone: newest first
        return [(created[d], d) for d in cache.newest(matched, limit)]
    now, scale = time.time() * 1000, 1.0 / RECENCY_HALF_LIFE_MS

    def key(d: int) -> float:
        total = 0.0
        for weight, postings in scoring:
            found = postings.get(d)
            if found is not None:
                total += weight * found
        # Up to RECENCY_WEIGHT more for a new item, halving every half-life; undated (0): none.
        age = now - created[d]
        return total * (1.0 + RECENCY_WEIGHT * 0.5 ** (age * scale if age > 0 else 0.0))

    # Matches of the biggest source alone (one word: most of them) score its few distinct
    # frequencies times recency, so within one frequency the newest score best: each frequency's
    # newest `limit` (found in C) are the only candidates among them. Exact, and only those and
    # the matches of several sources are scored.
    _, primary = max(scoring, key=lambda pair: len(pair[1]))
    others = [postings for _, postings in scoring if postings is not primary]
    candidates = list(matched & set().union(*others)) if others else []
    alone = matched.difference(candidates) if candidates else matched
    for docs in cache.levels(primary).values():
        if inside := alone & docs:
            candidates += cache.newest(inside, limit)
    candidates.sort()
    return [(key(d), d) for d in heapq.nlargest(limit, candidates, key=key)]


def _run(state: SearchIndex, parsed, criteria, types, limit: int | None, newest: bool = False):
    """(total, the index keys of the best `limit` hits, the words to mark); only plain values leave
    the searcher's lock."""
    with state.searcher() as searcher:
        plan = build_plan(searcher, parsed, criteria)
        if plan.nothing:
            return 0, [], plan.marked
        total, best = 0, []
        for leaf, offset in searcher.leaf_searchers():
            matched, scoring = _matches(leaf, plan, types, criteria.scopes)
            total += len(matched)
            if limit and matched:
                cache = segment_cache(leaf.reader())
                best += [(score, offset + d) for score, d in _best(matched, scoring, cache, limit, newest)]
        best.sort(key=lambda pair: (-pair[0], pair[1]))
        keys = [searcher.reader().stored_fields(d)["key"] for _, d in best[:limit]] if limit else []
        return total, keys, plan.marked


def search_hits(
    state: SearchIndex,
    parsed: ParsedQuery,
    criteria: Criteria,
    types: list[SearchType],
    offset: int,
    window: int,
    newest: bool = False,
) -> Hits:
    """One window of ranked hits within the scope, and the exact total (under the shared searcher)."""
    total, keys, marked = _run(state, parsed, criteria, types, offset + window, newest)
    return Hits(total, [(*split_key(key), marked) for key in keys[offset:]])


def count_hits(state: SearchIndex, parsed: ParsedQuery, criteria: Criteria, types: list[SearchType]) -> int:
    """How many items match within the scope (counted, not ranked)."""
    return _run(state, parsed, criteria, types, None)[0]


def spelling_candidates(state: SearchIndex, word: str, limit: int = 8) -> list[str]:
    """Indexed words one edit from a word, then two (from every document: check each before showing it)."""
    with state.searcher() as searcher:
        reader = searcher.reader()
        found: list[str] = []
        for maxdist in (1, 2):
            near = set(reader.terms_within("spelling", word, maxdist, prefix=1)) - set(found) - {word}
            found += sorted(near)
            if len(found) >= limit:
                break
        return found[:limit]
