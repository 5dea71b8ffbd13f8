"""Which engine answers searches: Whoosh (default, one host) or PostgreSQL full text (SEARCH_BACKEND).

The seam between app/search's services and the two backends: the state object in
app.extensions["search"] (a SearchIndex or a PgSearchIndex), and the four query operations below.
Registry types, the permission scope, the database re-check and the event log are shared.
"""

from flask import Flask
from markupsafe import Markup

from app.search import pg_query, searching
from app.search.highlight import marked_title, snippet
from app.search.index import init_index
from app.search.pg_backend import PgSearchIndex
from app.search.query import ParsedQuery
from app.search.registry import SearchType
from app.search.searching import Criteria, Hits

BACKENDS = ("whoosh", "postgres")


def check_setting(config) -> str:
    """The SEARCH_BACKEND setting, or a clear error for one that can't work (create_app calls this
    before any extension is set up, so a refused app leaves no half-configured singletons behind)."""
    name = config.get("SEARCH_BACKEND", "whoosh")
    if name not in BACKENDS:
        raise RuntimeError(f"SEARCH_BACKEND must be one of {', '.join(BACKENDS)} (it is {name!r}).")
    if name == "postgres" and not config["DATABASE_URL"].startswith("postgresql"):
        raise RuntimeError(
            "SEARCH_BACKEND=postgres needs a PostgreSQL DATABASE_URL (postgresql+psycopg://...); "
            "with SQLite use SEARCH_BACKEND=whoosh."
        )
    return name


def init_backend(app: Flask):
    """The app's search state for its SEARCH_BACKEND."""
    if check_setting(app.config) == "whoosh":
        return init_index(app)
    state = PgSearchIndex(app)
    app.extensions["search"] = state
    return state


def is_postgres(state) -> bool:
    """Whether this state is the PostgreSQL backend's."""
    return getattr(state, "backend", "whoosh") == "postgres"


def backend_name(state) -> str:
    """ "whoosh" or "postgres" (for /healthz)."""
    return "postgres" if is_postgres(state) else "whoosh"


def search_hits(
    state,
    parsed: ParsedQuery,
    criteria: Criteria,
    types: list[SearchType],
    offset: int,
    window: int,
    newest: bool = False,
) -> Hits:
    """One window of ranked hits within the scope, and the total."""
    if is_postgres(state):
        return pg_query.search_hits(parsed, criteria, types, offset, window, newest)
    return searching.search_hits(state, parsed, criteria, types, offset, window, newest)


def count_hits(state, parsed: ParsedQuery, criteria: Criteria, types: list[SearchType]) -> int:
    """How many items match within the scope."""
    if is_postgres(state):
        return pg_query.count_hits(parsed, criteria, types)
    return searching.count_hits(state, parsed, criteria, types)


def spelling_candidates(state, word: str, limit: int = 8) -> list[str]:
    """Words near this one from every document (the caller checks each within the person's scope)."""
    if is_postgres(state):
        return pg_query.spelling_candidates(word, state.trigrams(), limit)
    return searching.spelling_candidates(state, word, limit)


def highlight(
    state, parsed: ParsedQuery, items: list[tuple[str, str, frozenset[str]]]
) -> list[tuple[Markup, Markup]]:
    """(marked title, snippet) for each (title, text, matched index terms), HTML-escaped."""
    if is_postgres(state):
        return pg_query.highlight(parsed, [(title, body) for title, body, _ in items])
    return [(marked_title(title, words), snippet(body, words)) for title, body, words in items]
