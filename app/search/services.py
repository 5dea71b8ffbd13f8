"""Searching for a person: parse, resolve filters, query within their scope, re-check every hit
against the database, cut snippets, and suggest a correction drawn only from what they may see."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from markupsafe import Markup
from sqlalchemy import select

from app.errors import ValidationError
from app.extensions import db
from app.forms import optional_id
from app.models import Community, User
from app.permissions import can_see_content, listed_communities
from app.sanitize import HANDLE_RE, TOPIC_RE
from app.search import content, directory  # noqa: F401 - registers the built-in types
from app.search.backend import count_hits, highlight, search_hits, spelling_candidates
from app.search.index import search_index
from app.search.query import ParsedQuery, parse_query
from app.search.registry import Result, SearchType, get_type, tabs, types_in_tab
from app.search.searching import Criteria

PAGE_SIZE = 20
MAX_OFFSET = 1000  # deeper than this, a better search beats paging
SORTS = ("relevance", "newest")
SPELL_WORDS, SPELL_CANDIDATES = 5, 8  # "did you mean" looks at this many words, and candidates each


@dataclass
class Filters:
    """What the filter controls add to a typed search."""

    community_id: int | None = None
    author: str = ""
    topic: str = ""
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"


@dataclass
class Shown:
    """A result ready for the page or the API: the item, its type, the marked title and snippet."""

    type: SearchType
    item: Result
    title: Markup
    snippet: Markup


@dataclass
class SearchPage:
    """One page of results for one tab, with counts for every tab and any advice to show."""

    query: ParsedQuery
    tab: str
    hits: list[Shown] = field(default_factory=list)
    total: int = 0
    next_cursor: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    did_you_mean: str | None = None
    notices: list[str] = field(default_factory=list)


def _date(raw: str, name: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw.strip()[:10])
    except ValueError as exc:
        raise ValidationError({name: "Use a date like 2026-03-31."}) from exc


def parse_filters(args) -> Filters:
    """Filters from a query string (page or API); ValidationError names the field that is wrong."""
    errors: dict[str, str] = {}
    filters = Filters(sort=args.get("sort") or "relevance")
    if filters.sort not in SORTS:
        errors["sort"] = "Sort by relevance or newest."
    try:
        filters.community_id = optional_id(args.get("community"), "community")
    except ValidationError as exc:
        errors |= exc.fields
    filters.author = (args.get("author") or "").strip().lstrip("@")[:80]
    if filters.author and not HANDLE_RE.fullmatch(filters.author):
        errors["author"] = "Use a colleague's @handle, like @jordan.ellis."
    filters.topic = (args.get("topic") or "").strip().lstrip("#")[:60]
    if filters.topic and not TOPIC_RE.fullmatch(filters.topic):
        errors["topic"] = "Use a topic name, like #wellbeing."
    for name in ("from", "to"):
        try:
            setattr(filters, f"date_{name}", _date(args.get(name) or "", name))
        except ValidationError as exc:
            errors |= exc.fields
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        errors["to"] = "Choose an end date on or after the start date."
    if errors:
        raise ValidationError(errors, "Those filters can't be used. Please check them.")
    return filters


def _authors(handles: list[str], notices: list[str]) -> list[int] | None:
    if not handles:
        return None
    found = dict(db.session.execute(select(User.handle, User.id).where(User.handle.in_(handles))).all())
    for handle in handles:
        if handle not in found:
            notices.append(f"Nobody has the handle @{handle}.")
    return list(found.values())


def _communities(viewer: User, slugs: list[str], chosen: int | None, notices: list[str]) -> list[int] | None:
    if not slugs and chosen is None:
        return None
    stmt = listed_communities(viewer)
    rows = db.session.scalars(
        stmt.where(Community.slug.in_(slugs)) if chosen is None else stmt.where(Community.id == chosen)
    ).all()
    if chosen is not None and not rows:
        raise ValidationError({"community": "Choose a community from the list."})
    known = {c.slug for c in rows}
    # A secret community the person isn't in gets the same answer as one that doesn't exist.
    notices += [f"We couldn't find a community called “{slug}”." for slug in slugs if slug not in known]
    readable = []
    for community in rows:
        if can_see_content(viewer, community):
            readable.append(community.id)
        else:
            notices.append(f"Only members can search what's posted in {community.name}.")
    return readable


def _epoch_ms(day: date, add_days: int = 0) -> int:
    return int(datetime.combine(day + timedelta(days=add_days), time(), tzinfo=UTC).timestamp()) * 1000


def resolve(viewer: User, parsed: ParsedQuery, filters: Filters, notices: list[str]) -> Criteria:
    """Filters typed in the box and chosen in the controls, as ids, plus the person's scopes."""
    handles = parsed.authors + ([filters.author.lower()] if filters.author else [])
    return Criteria(
        author_ids=_authors(handles, notices),
        community_ids=_communities(viewer, parsed.communities, filters.community_id, notices),
        topics=parsed.topics + ([filters.topic.lower()] if filters.topic else []),
        start=_epoch_ms(filters.date_from) if filters.date_from else None,
        end=_epoch_ms(filters.date_to, 1) if filters.date_to else None,
    )


def _with_scopes(viewer: User, criteria: Criteria, types: list[SearchType]) -> Criteria:
    cache: dict[Callable, list[int]] = {}
    for search_type in types:
        if search_type.scope is None:
            criteria.scopes[search_type.name] = None
            continue
        if search_type.scope not in cache:
            cache[search_type.scope] = list(db.session.scalars(search_type.scope(viewer)))
        criteria.scopes[search_type.name] = cache[search_type.scope]
    return criteria


def _load(viewer: User, rows: list[tuple[str, int, frozenset[str]]]) -> dict[tuple[str, int], Result]:
    """The database re-check: one query per type for the whole window."""
    wanted: dict[str, list[int]] = {}
    for type_name, item_id, _ in rows:
        wanted.setdefault(type_name, []).append(item_id)
    loaded: dict[tuple[str, int], Result] = {}
    for type_name, ids in wanted.items():
        search_type = get_type(type_name)
        if search_type is not None:
            loaded |= {(type_name, i): r for i, r in search_type.load(viewer, ids).items()}
    return loaded


def search(
    viewer: User,
    raw: str | None,
    tab: str = "posts",
    filters: Filters | None = None,
    cursor: int | None = None,
    limit: int = PAGE_SIZE,
    with_counts: bool = True,
) -> SearchPage:
    """One page of results the viewer may see, for one tab (ValidationError for a bad search)."""
    if tab not in tabs():
        raise ValidationError({"type": f"Choose one of: {', '.join(tabs())}."})
    filters = filters or Filters()
    parsed = parse_query(raw)
    page = SearchPage(query=parsed, tab=tab)
    if parsed.is_empty and not (filters.community_id or filters.author or filters.topic):
        return page
    if (
        not parsed.has_terms
        and parsed.excluded
        and not (parsed.authors or parsed.communities or parsed.topics)
    ):
        raise ValidationError({"q": "Add a word to look for as well as the words to leave out."})
    criteria = resolve(viewer, parsed, filters, page.notices)
    state = search_index()
    offset = min(cursor or 0, MAX_OFFSET)
    types = types_in_tab(tab)
    _with_scopes(viewer, criteria, types)
    # Fetch a page and as much again, so hits dropped by the re-check are made up from the window.
    hits = search_hits(state, parsed, criteria, types, offset, limit * 2, newest=filters.sort == "newest")
    page.total = hits.total
    # Re-check the page's hits, and the spare ones only when some of those are dropped.
    loaded = _load(viewer, hits.rows[:limit])
    if len(loaded) < min(limit, len(hits.rows)):
        loaded |= _load(viewer, hits.rows[limit:])
    examined, chosen = 0, []
    for type_name, item_id, words in hits.rows:
        if len(chosen) == limit:
            break
        examined += 1
        item = loaded.get((type_name, item_id))
        if item is not None:
            # A short post is all title: repeating it as the snippet would say it twice.
            text = "" if " ".join(item.text.split()) == item.title else item.text
            chosen.append((type_name, item, text, words))
    marked = highlight(state, parsed, [(item.title, text, words) for _, item, text, words in chosen])
    for (type_name, item, _, _), (title, cut) in zip(chosen, marked, strict=True):
        page.hits.append(Shown(get_type(type_name), item, title, cut))
    if offset + examined < min(hits.total, MAX_OFFSET + limit) and examined:
        page.next_cursor = offset + examined
    if with_counts:
        page.counts = {tab: hits.total}
        for other in tabs():
            if other != tab:
                other_types = types_in_tab(other)
                page.counts[other] = count_hits(
                    state, parsed, _with_scopes(viewer, criteria, other_types), other_types
                )
    if not page.hits and offset == 0 and parsed.words:
        page.did_you_mean = did_you_mean(viewer, parsed, criteria, types)
    return page


def _visible_count(viewer: User, parsed: ParsedQuery, criteria: Criteria, types: list[SearchType]) -> int:
    """How many hits of a query the viewer may see among its first few (scope and database checked)."""
    hits = search_hits(search_index(), parsed, criteria, types, 0, 5)
    return len(_load(viewer, hits.rows)) and hits.total


def did_you_mean(
    viewer: User, parsed: ParsedQuery, criteria: Criteria, types: list[SearchType]
) -> str | None:
    """A corrected search that finds something the viewer may see, or None.

    Candidates come from every indexed word (Whoosh's lexicon), so each is tried as a search within
    the viewer's scope and re-checked against the database: a word that appears only where they
    can't look is never suggested, and among the rest the one with most visible hits wins.
    """
    suggestion = parsed
    for word in parsed.words[:SPELL_WORDS]:  # each word costs a few searches: bound the work
        lowered = word.lower()
        if not lowered.isalpha() or len(lowered) < 3:
            continue
        alone = ParsedQuery(text=lowered, words=[lowered])
        if _visible_count(viewer, alone, criteria, types):
            continue
        best, best_count = None, 0
        for candidate in spelling_candidates(search_index(), lowered)[:SPELL_CANDIDATES]:
            found = _visible_count(viewer, ParsedQuery(text=candidate, words=[candidate]), criteria, types)
            if found > best_count:
                best, best_count = candidate, found
        if best is not None:
            text = suggestion.with_word(word, best)
            suggestion = parse_query(text)
    if suggestion is parsed or not _visible_count(viewer, suggestion, criteria, types):
        return None
    return suggestion.text
