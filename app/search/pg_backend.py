"""The PostgreSQL full-text backend's state and indexer (SEARCH_BACKEND=postgres): several hosts.

Documents come from the same registry types as the Whoosh index and are fed by the same event
log. No lock file: every write to the search tables happens in one transaction that also marks its
events indexed, under one cluster-wide advisory lock taken with the transaction (released by its
commit or rollback, so a crashed indexer never leaves it held). An indexer on another host that
finds it taken steps aside, as a second indexer on one host does with Whoosh; whatever is pending
is picked up by whoever holds it next. A rebuild is one transaction too: searches keep answering
from the old rows until it commits.
"""

import json
import logging
import re
import threading
import zlib
from collections.abc import Callable, Sequence
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.db import writing
from app.extensions import db
from app.models import Event, SearchDocument, SearchWord, Setting
from app.search.pg_query import CONFIG, fold, has_extension
from app.search.registry import Doc, SearchType, search_types
from app.search.schema import stamp

log = logging.getLogger(__name__)
BATCH = 500
CHUNK = 1000
REBUILD_SETTING = "search.postgres_rebuild"  # a row here: the table must be rebuilt
# (class, object) of the advisory lock every writer of the search tables holds; the two-number form
# has its own key space, apart from app/events.py's one-number lock.
WRITER_LOCK = (zlib.crc32(b"rollcall search") & 0x7FFFFFFF, 0)
_SPELLING = re.compile(r"[^\W\d_]{3,60}")

_UPSERT = text(f"""
INSERT INTO search_documents (type, item_id, tsv, tags, author_id, community_id, created_at, stamp)
SELECT d.type, d.item_id,
       setweight(to_tsvector('{CONFIG}', d.title), 'A')
       || setweight(to_tsvector('{CONFIG}', d.topics), 'A')
       || setweight(to_tsvector('{CONFIG}', d.body), 'B'),
       d.tags, d.author_id, d.community_id, d.created_at, d.stamp
FROM jsonb_to_recordset(CAST(:docs AS jsonb)) AS d(
    type text, item_id int, title text, topics text, body text, tags text[],
    author_id int, community_id int, created_at timestamptz, stamp text)
ORDER BY d.type, d.item_id
ON CONFLICT (type, item_id) DO UPDATE SET
    tsv = EXCLUDED.tsv, tags = EXCLUDED.tags, author_id = EXCLUDED.author_id,
    community_id = EXCLUDED.community_id, created_at = EXCLUDED.created_at, stamp = EXCLUDED.stamp
""")
_WORDS = text(
    "INSERT INTO search_words (word) SELECT w FROM unnest(CAST(:words AS text[])) AS w ORDER BY w "
    "ON CONFLICT DO NOTHING"
)
_NUL = re.compile("\x00")


def _row(type_name: str, doc: Doc) -> dict:
    clean = lambda value: _NUL.sub("", value or "")  # noqa: E731 - jsonb refuses NUL
    return {
        "type": type_name,
        "item_id": doc.id,
        "title": clean(doc.title),
        "topics": clean(" ".join(doc.topics)),
        "body": clean(doc.body),
        "tags": sorted({t.lower() for t in doc.topics}),
        "author_id": doc.author_id,
        "community_id": doc.community_id,
        "created_at": doc.created_at.isoformat() if doc.created_at else None,
        "stamp": stamp(doc),
    }


def spelling_words(doc: Doc) -> set[str]:
    """The words as typed (folded, letters only) that "did you mean" may offer."""
    return set(_SPELLING.findall(fold(f"{doc.title} {doc.body}")))


def write_changes(changes: dict[str, dict[int, Doc | None]]) -> int:
    """Upsert and delete documents in the current transaction (the caller holds the writer lock)."""
    written, words = 0, set()
    for type_name, items in changes.items():
        gone = sorted(i for i, doc in items.items() if doc is None)
        docs = [_row(type_name, doc) for doc in items.values() if doc is not None]
        if gone:
            db.session.execute(
                delete(SearchDocument).where(
                    SearchDocument.type == type_name, SearchDocument.item_id.in_(gone)
                )
            )
        if docs:
            db.session.execute(_UPSERT, {"docs": json.dumps(docs)})
            words.update(*(spelling_words(doc) for doc in items.values() if doc is not None))
        written += len(docs)
    if words:
        db.session.execute(_WORDS, {"words": sorted(words)})
    return written


def _take_writer_lock(wait: bool) -> bool:
    """The writer lock, for the current transaction (the first statement, so nothing is read before)."""
    params = dict(zip("ab", WRITER_LOCK, strict=True))
    if wait:
        db.session.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"), params)
        return True
    return bool(db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:a, :b)"), params))


class PgSearchIndex:
    """What the rest of app/search asks of an index, answered by PostgreSQL (see SearchIndex)."""

    backend = "postgres"
    path = None  # no index directory

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wake = threading.Event()
        self.stop = threading.Event()
        self.dirty = False
        self._trigrams: bool | None = None

    @contextmanager
    def _session(self):
        """A short session of its own (callers may be outside an app context, or mid-transaction)."""
        with Session(bind=self.app.extensions["database_engine"]) as session:
            yield session

    # -- state -------------------------------------------------------------------------------------
    def verify(self) -> str:
        """Start-up check: the tables and the text search configuration are there; an empty table
        while the database has searchable items is marked for a rebuild. Never raises."""
        try:
            with self.app.app_context():
                db.session.execute(text(f"SELECT '{CONFIG}'::regconfig"))
                empty = db.session.execute(select(SearchDocument.item_id).limit(1)).first() is None
                if empty and any(db.session.execute(t.all_ids().limit(1)).first() for t in search_types()):
                    self.mark_rebuild()
                db.session.rollback()
        except SQLAlchemyError as exc:
            log.warning(
                "PostgreSQL search is not ready (%s); run `flask db upgrade`.", exc.__class__.__name__
            )
            return "error"
        return "rebuilding" if self.needs_rebuild() else "ok"

    def needs_rebuild(self) -> bool:
        """Whether the documents must be rebuilt from the database."""
        with self._session() as session:
            return session.get(Setting, REBUILD_SETTING) is not None

    def mark_rebuild(self) -> None:
        """Note that a rebuild is due (the indexer's next pass does it)."""
        with self._session() as session:
            session.merge(Setting(key=REBUILD_SETTING, value="due"))
            session.commit()

    def clear_rebuild(self) -> None:
        """A rebuild has finished (or is no longer wanted)."""
        with self._session() as session:
            session.execute(delete(Setting).where(Setting.key == REBUILD_SETTING))
            session.commit()

    def reset(self) -> None:
        """Empty the documents and words (tests)."""
        with self._session() as session:
            for model in (SearchDocument, SearchWord):
                session.execute(delete(model))
            session.execute(delete(Setting).where(Setting.key == REBUILD_SETTING))
            session.commit()
        self.dirty = False

    def has_documents(self) -> bool:
        """Whether anything is indexed."""
        with self._session() as session:
            return session.execute(select(SearchDocument.item_id).limit(1)).first() is not None

    def probe(self) -> None:
        """Read the documents table (healthz); raises when it can't."""
        with self._session() as session:
            session.execute(select(SearchDocument.item_id).limit(1)).first()

    def close(self) -> None:
        """Nothing to close: the database engine is the app's."""

    def trigrams(self) -> bool:
        """Whether pg_trgm is installed (checked once per process)."""
        if self._trigrams is None:
            self._trigrams = has_extension("pg_trgm")
        return self._trigrams

    # -- indexing ----------------------------------------------------------------------------------
    def drain(self, max_batches: int | None = None) -> int:
        """Index everything pending, rebuilding first if due; 0 when another indexer holds the lock."""
        from app.search.indexer import changes_for

        consumed, batches = 0, 0
        with self.app.app_context(), writing():
            while max_batches is None or batches < max_batches:
                db.session.rollback()
                if not _take_writer_lock(wait=False):
                    break
                if db.session.get(Setting, REBUILD_SETTING) is not None:
                    self._rebuild_locked()
                    continue
                pending = list(
                    db.session.scalars(
                        select(Event).where(Event.search_indexed.is_(False)).order_by(Event.id).limit(BATCH)
                    )
                )
                if not pending:
                    break
                touched = {t: t.changed_ids(pending) for t in search_types()}
                if changes := changes_for({t: ids for t, ids in touched.items() if ids}):
                    write_changes(changes)
                    self.dirty = True
                ids = [e.id for e in pending]
                db.session.execute(update(Event).where(Event.id.in_(ids)).values(search_indexed=True))
                db.session.commit()
                consumed, batches = consumed + len(ids), batches + 1
            db.session.rollback()
        return consumed

    def rebuild(
        self, progress: Callable[[int], None] | None = None, types: Sequence[SearchType] | None = None
    ) -> int:
        """Rebuild every document from the database, waiting for a running indexer pass."""
        with writing():
            db.session.rollback()
            _take_writer_lock(wait=True)
            return self._rebuild_locked(progress, types)

    def _rebuild_locked(
        self, progress: Callable[[int], None] | None = None, types: Sequence[SearchType] | None = None
    ) -> int:
        """The rebuild, in the current transaction (holding the writer lock), committed at the end.

        Events committed so far are marked indexed first: the reads after see what they changed;
        events committed later stay pending for the next pass."""
        from app.search.indexer import indexable_documents

        db.session.execute(update(Event).where(Event.search_indexed.is_(False)).values(search_indexed=True))
        db.session.execute(delete(SearchDocument))
        db.session.execute(delete(SearchWord))
        count = 0
        for search_type in types or search_types():
            ids = list(db.session.scalars(search_type.all_ids()))
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                count += write_changes({search_type.name: indexable_documents(search_type, chunk)})
                if progress:
                    progress(len(chunk))
        db.session.execute(delete(Setting).where(Setting.key == REBUILD_SETTING))
        db.session.commit()
        self.dirty = True
        return count

    def write(self, changes: dict[str, dict[int, Doc | None]]) -> None:
        """Write these documents now in one transaction (`search check --repair`)."""
        with writing():
            db.session.rollback()
            _take_writer_lock(wait=True)
            write_changes(changes)
            db.session.commit()
        self.dirty = True

    def stamps(self) -> dict[str, dict[int, str]]:
        """{type: {id: stamp}} of everything indexed (`search check`)."""
        found: dict[str, dict[int, str]] = {}
        for type_name, item_id, digest in db.session.execute(
            select(SearchDocument.type, SearchDocument.item_id, SearchDocument.stamp)
        ):
            found.setdefault(type_name, {})[item_id] = digest
        return found
