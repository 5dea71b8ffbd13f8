"""A parsed search as a Whoosh query within the person's permission scope, and running it.

The scope (the communities whose items the person may see) is applied as a set of document
numbers: the documents of every *other* community in the index are masked out (or, when that is
smaller, only the scope's are allowed). An Or of a term per community inside the query gave the
same answers at ~10x the cost. The sets are built per searcher from postings and cached until the
index changes (see restrictions()). Whoosh's FilterCollector applies them to the hits *and* to the
count; never use Results.estimated_length(), which estimates from the query alone, unscoped.
"""

import time
from dataclasses import dataclass, field

from whoosh import collectors
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
from whoosh.query import (
    And,
    AndNot,
    Every,
    NullQuery,
    NumericRange,
    Or,
    Phrase,
    Query,
    Term,
)
from whoosh.support.charset import accent_map

from app.search.index import SearchIndex
from app.search.query import ParsedQuery
from app.search.registry import SearchType
from app.search.schema import ANALYZER, TEXT_FIELDS, split_key

_PREFIX_ANALYZER = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
PREFIX_EXPANSIONS = 64  # "co*" could name thousands of words: keep the most common few
RERANK_DEPTH = 200  # the best hits by relevance that the recency boost re-orders
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


def analyze(text: str) -> list[str]:
    """The index terms for some typed text (stemmed, stop words dropped)."""
    return [token.text for token in ANALYZER(text, mode="query")]


def _match_terms(reader, terms: list[str]) -> Query | None:
    """A word (or the words of a phrase) in any text field; fields that lack a word are left out of
    the query (no postings to merge: posts have no titles)."""
    if not terms:
        return None
    fields = [name for name in TEXT_FIELDS if all(reader.doc_frequency(name, t) for t in terms)]
    if not fields:
        return NullQuery
    if len(terms) == 1:
        branches = [Term(name, terms[0], boost=TEXT_FIELDS[name]) for name in fields]
    else:
        branches = [Phrase(name, terms, boost=TEXT_FIELDS[name]) for name in fields]
    return branches[0] if len(branches) == 1 else Or(branches)


def _prefix(reader, typed: str) -> Query:
    tokens = [t.text for t in _PREFIX_ANALYZER(typed)]
    stems = {tokens[0], *analyze(tokens[0])} if tokens else set()
    found: dict[tuple[str, str], int] = {}
    for name in TEXT_FIELDS:
        for stem in stems:
            for term in reader.expand_prefix(name, stem):
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                found[(name, text)] = reader.doc_frequency(name, text)
    common = sorted(found, key=lambda k: -found[k])[:PREFIX_EXPANSIONS]
    if not common:
        return NullQuery
    return Or([Term(name, text, boost=TEXT_FIELDS[name]) for name, text in common])


def _term_docs(searcher, field: str, text: str) -> set[int]:
    """Document numbers holding one term (cached on the searcher, replaced when the index changes)."""
    cache = getattr(searcher, "_rollcall_terms", None)
    if cache is None:
        cache = searcher._rollcall_terms = {}
    if (field, text) not in cache:
        cache[(field, text)] = set(searcher.docs_for_query(Term(field, text)))
    return cache[(field, text)]


def _lexicon(reader, field: str) -> set[str]:
    return {t.decode() if isinstance(t, bytes) else t for t in reader.lexicon(field)}


def restrictions(
    searcher, types: list[SearchType], scopes: dict[str, list[int] | None]
) -> tuple[Query | None, dict]:
    """What keeps a search to the tab's types and the person's scope: a query clause (or None) and
    search() keywords {"filter": set, "mask": set}. Sets of document numbers are cheaper than
    clauses for big groups: the posts tab masks the few people and communities instead of
    intersecting with "post or reply"; the scope masks the communities the person can't read (or,
    when that is smaller, allows only those they can)."""
    reader = searcher.reader()
    names = {t.name for t in types}
    mask: set[int] = set()
    clause = None
    if 2 * sum(reader.doc_frequency("type", n) for n in names) > reader.doc_count():
        for other in _lexicon(reader, "type") - names:
            mask |= _term_docs(searcher, "type", other)
    else:
        clause = Or([Term("type", n) for n in sorted(names)])
    keywords: dict = {}
    scoped = [search_type for search_type in types if search_type.scope is not None]
    if scoped:
        allowed = {str(i) for i in scopes.get(scoped[0].name) or ()}
        if any({str(i) for i in scopes.get(t.name) or ()} != allowed for t in scoped):
            raise ValueError("types shown together must share one scope")
        present = _lexicon(reader, "community")
        hidden = present - allowed
        hidden_size = sum(reader.doc_frequency("community", c) for c in hidden)
        allowed_size = sum(reader.doc_frequency("community", c) for c in allowed & present)
        # Never an empty "only these" set: Whoosh reads an empty filter as no filter at all, which
        # counted (and suggested from) every community's posts for someone who may read none of them.
        if hidden and len(scoped) == len(types) and 0 < allowed_size < hidden_size:
            # Everything in the tab is scoped, so "only these communities" is exact and smaller.
            keywords["filter"] = set().union(
                *(_term_docs(searcher, "community", c) for c in allowed & present)
            )
        else:
            for community in hidden:
                mask |= _term_docs(searcher, "community", community)
    if mask:
        keywords["mask"] = mask
    return clause, keywords


def build_query(reader, parsed: ParsedQuery, criteria: Criteria) -> tuple[Query, frozenset[str]]:
    """The query for what was typed and filtered (words, phrases, prefixes, filters, exclusions),
    and the index terms that a snippet should mark (never the excluded ones)."""
    parts: list[Query] = []
    for text in [*parsed.words, *parsed.phrases]:
        matched = _match_terms(reader, analyze(text))
        if matched is not None:
            parts.append(matched)
    parts += [_prefix(reader, typed) for typed in parsed.prefixes]
    marked = frozenset(
        text.decode() if isinstance(text, bytes) else text
        for part in parts
        if part is not NullQuery
        for name, text in part.iter_all_terms()
        if name in TEXT_FIELDS
    )
    if criteria.author_ids is not None:
        parts.append(
            Or([Term("author", str(i)) for i in criteria.author_ids]) if criteria.author_ids else NullQuery
        )
    if criteria.community_ids is not None:
        ids = criteria.community_ids
        parts.append(Or([Term("community", str(i)) for i in ids]) if ids else NullQuery)
    parts += [Term("tags", topic) for topic in criteria.topics]
    if criteria.start is not None or criteria.end is not None:
        end = criteria.end - 1 if criteria.end is not None else None
        parts.append(NumericRange("created", criteria.start, end))
    if any(p is NullQuery for p in parts):
        return NullQuery, marked
    query = And(parts or [Every()])
    left_out = [
        q
        for q in (_match_terms(reader, analyze(text)) for text in parsed.excluded)
        if q not in (None, NullQuery)
    ]
    return (AndNot(query, Or(left_out)) if left_out else query), marked


def _recency(searcher, docnum: int, now_ms: float) -> float:
    """The boost for how new an item is: up to RECENCY_WEIGHT more, halving every RECENCY_HALF_LIFE."""
    column = getattr(searcher, "_rollcall_created", None)
    if column is None:  # cached on the searcher, which is replaced when the index changes
        column = searcher._rollcall_created = searcher.reader().column_reader("created")
    created = column[docnum]
    if not created:
        return 1.0
    return 1.0 + RECENCY_WEIGHT * 0.5 ** (max(0.0, now_ms - created) / RECENCY_HALF_LIFE_MS)


def _ranked(searcher, query: Query, depth: int, scope: dict, newest: bool) -> tuple[list[int], int]:
    """Document numbers, best first, and how many matched within the scope: newest first, or the
    `depth` most relevant (ShortTextBM25) re-ranked with the recency boost.

    The collector scores every match (no block-quality pruning, no matcher replacement), so its
    count is exact for free; a second counting pass cost more than pruning saved."""
    if newest:
        collector = collectors.SortingCollector("created", limit=depth, reverse=True)
    else:
        collector = collectors.TopCollector(depth, usequality=False, replace=0)
    counted = (
        collectors.FilterCollector(collector, scope.get("filter"), scope.get("mask")) if scope else collector
    )
    searcher.search_with_collector(query, counted)
    results, total = counted.results(), counted.count()
    if newest:
        return [docnum for _, docnum in results.top_n], total
    now_ms = time.time() * 1000
    scored = [(score * _recency(searcher, docnum, now_ms), -docnum) for score, docnum in results.top_n]
    return [-negated for _, negated in sorted(scored, reverse=True)], total


def search_hits(
    state: SearchIndex,
    parsed: ParsedQuery,
    criteria: Criteria,
    types: list[SearchType],
    offset: int,
    window: int,
    newest: bool = False,
) -> Hits:
    """Run the query under the shared searcher; only plain values leave the lock."""
    with state.searcher() as searcher:
        query, marked = build_query(searcher.reader(), parsed, criteria)
        if query is NullQuery:
            return Hits(0, [])
        clause, scope = restrictions(searcher, types, criteria.scopes)
        query = And([query, clause]) if clause is not None else query
        # Re-rank a fixed depth (a multiple of RERANK_DEPTH), so every page of a block agrees.
        depth = RERANK_DEPTH * (1 + (offset + window) // RERANK_DEPTH)
        ranked, total = _ranked(searcher, query, depth, scope, newest)
        reader = searcher.reader()
        rows = [
            (*split_key(reader.stored_fields(d)["key"]), marked) for d in ranked[offset : offset + window]
        ]
        return Hits(total, rows)


def count_hits(state: SearchIndex, parsed: ParsedQuery, criteria: Criteria, types: list[SearchType]) -> int:
    """How many items match within the scope (counted without scoring)."""
    with state.searcher() as searcher:
        query, _ = build_query(searcher.reader(), parsed, criteria)
        if query is NullQuery:
            return 0
        clause, scope = restrictions(searcher, types, criteria.scopes)
        collector = collectors.UnsortedCollector()
        counted = (
            collectors.FilterCollector(collector, scope.get("filter"), scope.get("mask"))
            if scope
            else collector
        )
        searcher.search_with_collector(And([query, clause]) if clause is not None else query, counted)
        return counted.count()


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
