"""`flask search check`: compare the index with the database, item by item, and optionally repair."""

from dataclasses import dataclass, field

from app.extensions import db
from app.search.index import SearchIndex
from app.search.indexer import CHUNK, indexable_documents, writeindexable_documents
from app.search.registry import Doc, search_types
from app.search.schema import split_key, stamp


@dataclass
class Report:
    """What differs between the database and the index, per type."""

    expected: dict[str, int] = field(default_factory=dict)
    missing: dict[str, set[int]] = field(default_factory=dict)  # in the database, not in the index
    stale: dict[str, set[int]] = field(default_factory=dict)  # indexed from an older version
    extra: dict[str, set[int]] = field(default_factory=dict)  # in the index, not (any more) searchable

    @property
    def problems(self) -> int:
        """How many items need re-indexing or removing."""
        return sum(len(ids) for part in (self.missing, self.stale, self.extra) for ids in part.values())


def indexed_stamps(state: SearchIndex) -> dict[str, dict[int, str]]:
    """{type: {id: stamp}} of everything in the index."""
    if state.backend == "postgres":
        return state.stamps()
    found: dict[str, dict[int, str]] = {}
    with state.searcher() as searcher:
        for stored in searcher.reader().all_stored_fields():
            type_name, item_id = split_key(stored["key"])
            found.setdefault(type_name, {})[item_id] = stored.get("stamp", "")
    return found


def check_index(state: SearchIndex) -> Report:
    """Every type's documents as the database has them now, against the index's stamps."""
    report = Report()
    indexed = indexed_stamps(state)
    known = set()
    for search_type in search_types():
        name = search_type.name
        known.add(name)
        in_index = indexed.get(name, {})
        ids = list(db.session.scalars(search_type.all_ids()))
        report.expected[name] = len(ids)
        missing, stale = set(), set()
        for start in range(0, len(ids), CHUNK):
            for item_id, doc in indexable_documents(search_type, ids[start : start + CHUNK]).items():
                if item_id not in in_index:
                    missing.add(item_id)
                elif in_index[item_id] != stamp(doc):
                    stale.add(item_id)
            db.session.rollback()
        report.missing[name], report.stale[name] = missing, stale
        report.extra[name] = set(in_index) - set(ids)
    for name, items in indexed.items():  # a type no longer registered: everything of it is extra
        if name not in known:
            report.extra[name] = set(items)
    return report


def repair(state: SearchIndex, report: Report) -> int:
    """Re-index missing and stale items and remove extra ones (caller holds the indexer lock)."""
    types = {t.name: t for t in search_types()}
    changes: dict[str, dict[int, Doc | None]] = {}
    for name, extra in report.extra.items():
        changes.setdefault(name, {}).update(dict.fromkeys(extra))
    for name, search_type in types.items():
        ids = sorted(report.missing.get(name, set()) | report.stale.get(name, set()))
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            found = indexable_documents(search_type, chunk)
            changes.setdefault(name, {}).update({i: found.get(i) for i in chunk})
    db.session.rollback()  # end the read transaction before writing
    if any(changes.values()):
        writeindexable_documents(state, changes)
    return report.problems
