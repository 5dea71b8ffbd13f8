"""The PostgreSQL backend's queries: a parsed search as a tsquery within the person's scope, ranked
(ts_rank_cd with title and topics above body, times the recency boost) or newest first; counts,
highlighted snippets (ts_headline, escaped) and spelling candidates (pg_trgm when installed).

The same semantics as the Whoosh backend (app/search/searching.py): every word must match, a
"phrase" in order, -excluded, polic* as a prefix of the word or its stem, filters as exact ids.
Text goes to PostgreSQL only as bound parameters; the one tsquery built as text (prefixes) holds
only \\w characters inside quotes.
"""

import re
import unicodedata
from datetime import UTC, datetime

from markupsafe import Markup, escape
from sqlalchemy import Float, Text, and_, bindparam, func, literal, literal_column, not_, or_, select, text
from sqlalchemy.dialects.postgresql import ARRAY, REGCONFIG, TSQUERY

from app.extensions import db
from app.models import SearchDocument, SearchWord
from app.search.highlight import _excerpt
from app.search.query import ParsedQuery
from app.search.registry import SearchType
from app.search.schema import STOPS
from app.search.searching import RECENCY_HALF_LIFE_MS, RECENCY_WEIGHT, Criteria, Hits

CONFIG = "rollcall_english"  # Snowball English (+ unaccent when installed): the migration makes it
# ts_rank_cd weights for D, C, B, A: body is B, titles and topics are A.
WEIGHTS = literal_column("'{0.1, 0.2, 0.4, 1.0}'::float4[]", ARRAY(Float))
# Marks ts_headline puts around matches: private-use characters, removed from the text first, so
# the whole headline can be HTML-escaped and only these become <mark> tags.
START, STOP = "\ue000", "\ue001"
_MARKED = re.compile(START + "(.*?)" + STOP, re.DOTALL)
_HEADLINE = (
    f'StartSel="{START}", StopSel="{STOP}", MaxFragments=2, MaxWords=30, MinWords=12, '
    'ShortWord=2, FragmentDelimiter=" … "'
)
_WHOLE = f'StartSel="{START}", StopSel="{STOP}", HighlightAll=true'
_WORD = re.compile(r"\w+")
D = SearchDocument.__table__.c


def fold(text_: str) -> str:
    """Lower case without accents (café -> cafe), as the index folds words."""
    decomposed = unicodedata.normalize("NFKD", text_.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _config():
    return literal(CONFIG, REGCONFIG)


def _words_query(typed: str):
    """A word (or the words of a phrase) in order; None when it holds only common words."""
    tokens = _WORD.findall(fold(typed))
    if not tokens or all(t in STOPS for t in tokens):
        return None  # only common words: they match nothing in particular (Whoosh drops them too)
    return func.phraseto_tsquery(_config(), bindparam(None, typed, Text), type_=TSQUERY)


def _prefix_query(typed: str):
    """polic* : lexemes starting with the word as typed or with its stem (police, policing, policy)."""
    tokens = _WORD.findall(fold(typed))
    if not tokens:
        return None
    quoted = f"'{tokens[0]}':*"
    simple = func.to_tsquery(literal("simple", REGCONFIG), bindparam(None, quoted, Text), type_=TSQUERY)
    stemmed = func.to_tsquery(_config(), bindparam(None, quoted, Text), type_=TSQUERY)
    return simple.op("||", return_type=TSQUERY)(stemmed)


def _all(parts):
    query = parts[0]
    for part in parts[1:]:
        query = query.op("&&", return_type=TSQUERY)(part)
    return query


def positive_query(parsed: ParsedQuery):
    """The tsquery everything typed must match (None: no words, only filters or common words)."""
    parts = [_words_query(w) for w in [*parsed.words, *parsed.phrases]]
    parts += [_prefix_query(p) for p in parsed.prefixes]
    parts = [p for p in parts if p is not None]
    return _all(parts) if parts else None


def _excluded_query(parsed: ParsedQuery):
    parts = [q for q in (_words_query(t) for t in parsed.excluded) if q is not None]
    if not parts:
        return None
    query = parts[0]
    for part in parts[1:]:
        query = query.op("||", return_type=TSQUERY)(part)
    return query


def _from_ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, UTC)


def _conditions(parsed: ParsedQuery, criteria: Criteria, types: list[SearchType], query) -> list | None:
    """WHERE clauses for the tab's types, the scope, the filters and the words; None: nothing matches."""
    branches = []
    for search_type in types:
        allowed = criteria.scopes.get(search_type.name) if search_type.scope is not None else None
        if search_type.scope is None:
            branches.append(D.type == search_type.name)
        elif allowed:
            branches.append(and_(D.type == search_type.name, D.community_id.in_(allowed)))
    if not branches:
        return None
    where = [or_(*branches)]
    for ids, column in ((criteria.author_ids, D.author_id), (criteria.community_ids, D.community_id)):
        if ids is not None:
            if not ids:
                return None
            where.append(column.in_(ids))
    if criteria.topics:
        where.append(D.tags.op("@>", is_comparison=True)(literal(sorted(set(criteria.topics)), ARRAY(Text))))
    created = func.coalesce(D.created_at, literal(datetime(1970, 1, 1, tzinfo=UTC)))
    if criteria.start is not None:
        where.append(created >= _from_ms(criteria.start))
    if criteria.end is not None:
        where.append(created < _from_ms(criteria.end))
    if query is not None:
        where.append(D.tsv.op("@@", is_comparison=True)(query))
    if (excluded := _excluded_query(parsed)) is not None:
        where.append(not_(D.tsv.op("@@", is_comparison=True)(excluded)))
    return where


def _score(query):
    rank = func.ts_rank_cd(WEIGHTS, D.tsv, query) if query is not None else literal(1.0)
    age = func.greatest(0, func.extract("epoch", func.now() - D.created_at))
    recency = func.coalesce(func.power(0.5, age / (RECENCY_HALF_LIFE_MS / 1000)), 0)
    return rank * (1 + RECENCY_WEIGHT * recency)


def search_hits(
    parsed: ParsedQuery,
    criteria: Criteria,
    types: list[SearchType],
    offset: int,
    window: int,
    newest: bool = False,
) -> Hits:
    """One window of ranked hits and the exact total within the scope (one statement)."""
    query = positive_query(parsed)
    where = _conditions(parsed, criteria, types, query)
    if where is None:
        return Hits(0, [])
    if newest:
        order = [D.created_at.desc().nulls_last(), D.type, D.item_id.desc()]
    else:
        order = [_score(query).desc(), D.created_at.desc().nulls_last(), D.type, D.item_id]
    stmt = select(D.type, D.item_id, func.count().over().label("total")).where(*where).order_by(*order)
    rows = db.session.execute(stmt.offset(offset).limit(window)).all()
    if rows:
        return Hits(rows[0].total, [(r.type, r.item_id, frozenset()) for r in rows])
    return Hits(count_hits(parsed, criteria, types) if offset else 0, [])


def count_hits(parsed: ParsedQuery, criteria: Criteria, types: list[SearchType]) -> int:
    """How many items match within the scope."""
    where = _conditions(parsed, criteria, types, positive_query(parsed))
    if where is None:
        return 0
    return db.session.scalar(select(func.count()).select_from(SearchDocument.__table__).where(*where)) or 0


def _marks(headline: str) -> Markup:
    """Escape everything, then turn the private-use marks into <mark> tags (one class per word)."""
    classes: dict[str, int] = {}

    def mark(found: re.Match) -> str:
        number = classes.setdefault(found.group(1).lower(), len(classes))
        return f'<mark class="hl hl-term{number}">{found.group(1)}</mark>'

    return Markup(_MARKED.sub(mark, str(escape(headline))).replace(START, "").replace(STOP, ""))


def highlight(parsed: ParsedQuery, items: list[tuple[str, str]]) -> list[tuple[Markup, Markup]]:
    """(marked title, snippet) for each (title, text), cut and marked by ts_headline in one statement."""
    query = positive_query(parsed)
    if query is None or not items:
        return [(escape(title), _excerpt(body)) for title, body in items]
    titles = [re.sub(f"[{START}{STOP}]", "", title) for title, _ in items]
    bodies = [re.sub(f"[{START}{STOP}]", "", " ".join(body.split())) for _, body in items]
    table = (
        func.unnest(bindparam("titles", titles, ARRAY(Text)), bindparam("bodies", bodies, ARRAY(Text)))
        .table_valued("title", "body", with_ordinality="n")
        .render_derived()
    )
    stmt = select(
        table.c.n,
        func.ts_headline(_config(), table.c.title, query, literal(_WHOLE)),
        func.ts_headline(_config(), table.c.body, query, literal(_HEADLINE)),
    ).order_by(table.c.n)
    shown = []
    for (_, title, body), original in zip(db.session.execute(stmt).all(), bodies, strict=True):
        if not original:
            snippet = Markup("")
        elif START in body:
            snippet = _marks(body)
        else:
            snippet = _excerpt(original)
        shown.append((_marks(title), snippet))
    return shown


def _distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance, giving up (limit + 1) once it exceeds the limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def spelling_candidates(word: str, trigrams: bool, limit: int = 8) -> list[str]:
    """Indexed words one edit from a word, then two, sharing its first letter (from every document:
    each is checked as a search within the person's scope before it is shown)."""
    word = fold(word)
    first = word[:1]
    if trigrams:  # the trigram index narrows it to similar words; the edit distance orders them
        stmt = (
            select(SearchWord.word)
            .where(
                SearchWord.word.op("%", is_comparison=True)(word),
                SearchWord.word.startswith(first, autoescape=True),
            )
            .order_by(func.similarity(SearchWord.word, word).desc(), SearchWord.word)
            .limit(50)
        )
    else:  # no pg_trgm: words of a similar length with the same first letter (slower, bounded)
        stmt = (
            select(SearchWord.word)
            .where(
                SearchWord.word.startswith(first, autoescape=True),
                func.length(SearchWord.word).between(len(word) - 2, len(word) + 2),
            )
            .limit(20_000)
        )
    scored = sorted((d, w) for w in db.session.scalars(stmt) if w != word and (d := _distance(word, w)) <= 2)
    return [w for _, w in scored[:limit]]


def has_extension(name: str) -> bool:
    """Whether a PostgreSQL extension is installed in this database."""
    found = db.session.scalar(text("SELECT 1 FROM pg_extension WHERE extname = :name"), {"name": name})
    return found is not None
