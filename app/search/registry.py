"""The registry of searchable types: what each indexes, who may see it, and how a result is shown.

Nothing here knows Whoosh. A feature makes its items searchable by registering a SearchType built
from plain functions over the database, in app/<feature>/search.py (imported by load() when the
app starts; see docs/features/search.md, "Making a new kind of item searchable"):

    register_type(SearchType(name="link", tab="links", tab_label="Curated links", label="Link",
                             documents=link_documents, all_ids=indexable_link_ids,
                             changed_ids=links_in_events, load=visible_links, post_kinds=("link",)))
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module
from importlib.util import find_spec

from flask import url_for
from sqlalchemy import Select, select

from app.extensions import db
from app.models import Community, Event, Post, User
from app.permissions import visible_community_ids


@dataclass
class Doc:
    """What the index holds for one item, as plain text (app/search decides how to analyse it)."""

    id: int
    title: str = ""
    body: str = ""
    topics: Sequence[str] = ()
    # None for anonymous items, so `from:` can never find their author.
    author_id: int | None = None
    # The community whose readers may see the item: the query is filtered on it (see SearchType.scope).
    community_id: int | None = None
    # Drives the recency boost, "newest" sorting and date filters; None for people and communities.
    created_at: datetime | None = None


@dataclass
class Result:
    """One item as shown in results, loaded from the database (never from the index)."""

    id: int
    title: str
    text: str  # the current text that the snippet is cut from
    endpoint: str  # where the result links, as url_for() arguments (built when shown)
    values: dict = field(default_factory=dict)  # may hold _anchor, e.g. a reply's place in its thread
    created_at: datetime | None = None
    author: User | None = None
    community: Community | None = None
    context: str = ""  # a line under the title: "Reply to …", a job title, "Private community"

    @property
    def url(self) -> str:
        """The item's address."""
        return url_for(self.endpoint, **self.values)


@dataclass(frozen=True)
class SearchType:
    """A kind of searchable item, described by functions the indexer and the results page call.

    documents(ids) -> {id: Doc} for the ids that belong in the index now; an id left out is removed.
    all_ids() -> a Select of every id that belongs in the index (reindex and check).
    changed_ids(events) -> ids whose document may have changed with these committed events.
    load(viewer, ids) -> {id: Result} for the ids the viewer may see *now*: the database re-check
        that stops a stale index from leaking anything.
    scope(viewer) -> a Select of community ids whose items the viewer may see (the query filter).
        scope=None: every item of the type is visible to anyone signed in (people). A scoped type's
        documents must name their community_id; the indexer leaves out any that don't. The ids are
        keys the index filters on, not necessarily communities: a type with an audience rule of its
        own (leadership updates) keys each item by a negative id of its own and answers those.
    """

    name: str  # stored in the index; short and stable ("post", "reply", "person")
    tab: str  # the results tab and the API's ?type= ("posts")
    tab_label: str  # "Posts and replies"
    label: str  # one item, as shown beside a result ("Reply")
    documents: Callable[[Sequence[int]], dict[int, Doc]]
    all_ids: Callable[[], Select]
    changed_ids: Callable[[Sequence[Event]], set[int]]
    load: Callable[[User, Sequence[int]], dict[int, Result]]
    scope: Callable[[User], Select] | None = visible_community_ids
    # Post.kind values whose posts this type indexes instead of the plain posts type (a link post is
    # found under Links, not twice).
    post_kinds: tuple[str, ...] = ()
    # Post.kind values whose *replies* this type indexes instead of the plain reply type (replies to
    # a leadership update are seen only by the update's audience, not by every reader of All staff).
    reply_kinds: tuple[str, ...] = ()
    # Whether items have authors: a result with none (an anonymous question) shows "Anonymous".
    authored: bool = True
    order: int = 100  # tab order: lower comes first


_types: dict[str, SearchType] = {}


def register_type(search_type: SearchType) -> SearchType:
    """Make a type searchable (at import of the feature's module); registering again replaces it.

    Types shown in one tab must share one scope (or have none): a tab is filtered with one set."""
    for other in _types.values():
        shared = other.tab == search_type.tab and other.name != search_type.name
        if shared and None not in (other.scope, search_type.scope) and other.scope is not search_type.scope:
            raise ValueError(f"{search_type.name} and {other.name} share the {other.tab} tab but not a scope")
    _types[search_type.name] = search_type
    return search_type


def search_types() -> list[SearchType]:
    """Every registered type, in tab order."""
    return sorted(_types.values(), key=lambda t: (t.order, t.name))


def get_type(name: str) -> SearchType | None:
    """The registered type with this name."""
    return _types.get(name)


def tabs() -> dict[str, str]:
    """Results tabs in order: {tab: label}; a tab appears once some type registers for it."""
    found: dict[str, str] = {}
    for search_type in search_types():
        found.setdefault(search_type.tab, search_type.tab_label)
    return found


def types_in_tab(tab: str) -> list[SearchType]:
    """The types shown under one tab."""
    return [t for t in search_types() if t.tab == tab]


def claimed_post_kinds() -> set[str]:
    """Post kinds that a feature's own type indexes (so the posts type leaves them out)."""
    return {kind for t in _types.values() for kind in t.post_kinds}


def claimed_reply_kinds() -> set[str]:
    """Post kinds whose replies a feature's own type indexes (so the reply type leaves them out)."""
    return {kind for t in _types.values() for kind in t.reply_kinds}


def post_ids_of_kind(events: Sequence[Event], kind: str, *prefixes: str) -> set[int]:
    """Post ids named (as post_id) by events with these name prefixes, less those of posts of another
    kind: what a type keyed by its post id re-reads. A post purged since is kept, so it is removed."""
    ids: set[int] = set()
    for prefix in prefixes or ("post_",):
        ids |= events_named(events, prefix, "post_id")
    if ids:
        ids -= set(db.session.scalars(select(Post.id).where(Post.id.in_(ids), Post.kind != kind)))
    return ids


def load(packages: Sequence[str]) -> None:
    """Import each feature package's search module (app/<package>/search.py), which registers its types."""
    for package in packages:
        name = f"app.{package}.search"
        if package != "search" and find_spec(name) is not None:
            import_module(name)


def events_named(events: Sequence[Event], prefix: str, key: str) -> set[int]:
    """Ids under `key` in the data of events whose name starts with `prefix` (a changed_ids helper)."""
    found = set()
    for event in events:
        value = (event.data or {}).get(key)
        if event.name.startswith(prefix) and isinstance(value, int) and not isinstance(value, bool):
            found.add(value)
    return found
