"""The indexer: follows the event log, off the request path, with one writer per host.

The events table is the queue: every event is recorded with search_indexed = false in the
transaction that made the change, so nothing is lost in a crash and nothing depends on commit
order. After commit the subscriber below only wakes the indexer. The indexer (a thread in
`make run`'s single process; the `search_index` job under `flask jobs run`/`tick`) takes an
exclusive file lock in the index directory, so of several app processes on one host exactly one
writes at a time and the others simply skip; requests never wait on Whoosh's writer lock. It reads
pending events in order, re-reads the items they name from the database, writes them in one
commit, and only then marks the events indexed (a crash in between re-indexes them: harmless).
"""

import fcntl
import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from flask import Flask, current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from whoosh.writing import CLEAR

from app import events
from app.db import writing
from app.errors import DATABASE_UNAVAILABLE, first_line
from app.extensions import db
from app.jobs import follower, task
from app.models import Event
from app.search.index import LOCK_FILE, SearchIndex, search_index
from app.search.registry import Doc, SearchType, search_types
from app.search.schema import doc_key, fields

log = logging.getLogger(__name__)
BATCH = 500
CHUNK = 1000
REBUILD_LIMIT_MB = 256


def wake_indexer(_events: list[Event], _session: Session) -> None:
    """Event subscriber: the events are already queued (in their table); tell the indexer."""
    state = current_app.extensions.get("search")
    if state is not None:
        state.wake.set()


events.subscribe(wake_indexer)


@contextmanager
def indexer_lock(state: SearchIndex, wait: bool = False) -> Iterator[bool]:
    """The host-wide indexer lock (flock on a file in the index directory); yields whether it's held.
    PostgreSQL search needs none here: its writers take a database lock in each transaction."""
    if state.backend == "postgres":
        yield True
        return
    state.path.mkdir(parents=True, exist_ok=True)
    fd = os.open(state.path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def writeindexable_documents(
    state: SearchIndex, changes: dict[str, dict[int, Doc | None]], **writer_args
) -> None:
    """Put these documents in the index in one commit (None removes the item)."""
    if state.backend == "postgres":
        return state.write(changes)
    writer = state.writer(**writer_args)
    try:
        for type_name, items in changes.items():
            for item_id, doc in items.items():
                if doc is None:
                    writer.delete_by_term("key", doc_key(type_name, item_id))
                else:
                    writer.update_document(**fields(type_name, doc))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def indexable_documents(search_type: SearchType, ids: Sequence[int]) -> dict[int, Doc]:
    """The type's documents, leaving out scoped ones without a community: unfilterable, so unsafe."""
    docs = search_type.documents(ids)
    if search_type.scope is None:
        return docs
    unscoped = [i for i, doc in docs.items() if doc.community_id is None]
    if unscoped:
        log.warning("%s documents %s name no community; not indexed", search_type.name, unscoped[:10])
    return {i: doc for i, doc in docs.items() if doc.community_id is not None}


def changes_for(items: dict[SearchType, set[int]]) -> dict[str, dict[int, Doc | None]]:
    """The current documents for these ids of each type (None where an item no longer belongs)."""
    changes: dict[str, dict[int, Doc | None]] = {}
    for search_type, ids in items.items():
        docs: dict[int, Doc | None] = {}
        ordered = sorted(ids)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            found = indexable_documents(search_type, chunk)
            docs.update({item_id: found.get(item_id) for item_id in chunk})
        if docs:
            changes[search_type.name] = docs
    return changes


def _mark_indexed(ids: Sequence[int]) -> None:
    with writing():
        db.session.execute(update(Event).where(Event.id.in_(ids)).values(search_indexed=True))
        db.session.commit()


def index_pending(state: SearchIndex, limit: int = BATCH) -> int:
    """Index one batch of pending events (the caller holds the indexer lock); returns how many."""
    pending = list(
        db.session.scalars(
            select(Event).where(Event.search_indexed.is_(False)).order_by(Event.id).limit(limit)
        )
    )
    if not pending:
        db.session.rollback()
        return 0
    event_ids = [e.id for e in pending]  # before the rollback, which expires the rows
    touched = {t: t.changed_ids(pending) for t in search_types()}
    changes = changes_for({t: ids for t, ids in touched.items() if ids})
    db.session.rollback()  # end the read transaction before writing (SQLite: no read-then-write)
    if changes:
        writeindexable_documents(state, changes)
    _mark_indexed(event_ids)
    return len(event_ids)


def rebuild(
    state: SearchIndex,
    progress: Callable[[int], None] | None = None,
    procs: int = 1,
    types: Sequence[SearchType] | None = None,
) -> int:
    """Rebuild the whole index from the database (the caller holds the indexer lock); returns items.

    Events already committed are marked indexed *before* the database is read, so whatever they
    changed is in what we read; events committed later stay pending for the next pass. The old
    index keeps answering until the new one commits in one go, and the rebuild marker stays until
    then, so a rebuild cut short is simply done again. `types` narrows it (the benchmark).
    """
    if state.backend == "postgres":  # one transaction, under the database's writer lock
        return state.rebuild(progress, types)
    state.mark_rebuild()
    with writing():
        db.session.execute(update(Event).where(Event.search_indexed.is_(False)).values(search_indexed=True))
        db.session.commit()
    kwargs = {"limitmb": REBUILD_LIMIT_MB}
    if procs > 1:
        kwargs |= {"procs": procs, "multisegment": True}
    writer = state.writer(**kwargs)
    count = 0
    try:
        for search_type in types or search_types():
            ids = list(db.session.scalars(search_type.all_ids()))
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                for doc in indexable_documents(search_type, chunk).values():
                    writer.add_document(**fields(search_type.name, doc))
                    count += 1
                db.session.rollback()
                if progress:
                    progress(len(chunk))
    except BaseException:
        writer.cancel()
        raise
    writer.commit(mergetype=CLEAR)
    state.clear_rebuild()
    return count


def total_items() -> int:
    """How many items every type's all_ids() holds (for the reindex progress bar)."""
    return sum(
        db.session.scalar(select(func.count()).select_from(t.all_ids().order_by(None).subquery())) or 0
        for t in search_types()
    )


def drain(app: Flask | None = None, max_batches: int | None = None) -> int:
    """Index everything pending, rebuilding first if due; returns events consumed (0 when another
    process on this host holds the indexer lock: it is doing the work). Tests call this to index."""
    app = app or current_app._get_current_object()
    state = search_index(app)
    if state.backend == "postgres":  # several hosts: a database lock per transaction, no lock file
        return state.drain(max_batches)
    with app.app_context(), indexer_lock(state) as held:
        if not held:
            return 0
        if state.needs_rebuild():
            rebuild(state)
        consumed, batches = 0, 0
        while max_batches is None or batches < max_batches:
            done = index_pending(state)
            if not done:
                break
            consumed, batches = consumed + done, batches + 1
        return consumed


@task("search_index")
def search_index_task() -> int:
    """Index what changed since the last pass (the job runner's indexer)."""
    return drain()


def start_background_indexer(app: Flask, interval: float = 1.0) -> threading.Thread:
    """Index in a thread of this process: woken by each commit, and every `interval` seconds for
    events written by other processes (CLI commands). For `make run`'s single process."""
    state = search_index(app)
    state.stop.clear()

    def run() -> None:
        while not state.stop.is_set():
            state.wake.clear()  # before the pass: a commit during it wakes the next one at once
            try:
                drain(app)
            except DATABASE_UNAVAILABLE as exc:  # an outage: one line a pass, not a traceback
                app.logger.warning("search indexer pass skipped, database unavailable: %s", first_line(exc))
            except Exception:  # noqa: BLE001 - logged; the events stay pending and the next pass retries
                app.logger.exception("search indexer pass failed")
            state.wake.wait(interval)

    thread = threading.Thread(target=run, name="search-indexer", daemon=True)
    thread.start()
    return thread


def stop_background_indexer(app: Flask, thread: threading.Thread) -> None:
    """Stop the thread started by start_background_indexer (tests)."""
    state = search_index(app)
    state.stop.set()
    state.wake.set()
    thread.join(timeout=10)


@follower
def follow_event_log(app: Flask):
    """`flask jobs run` indexes within a second of a commit, not at its next pass (5 s apart): a thread
    polling the pending events every SEARCH_INDEXER_INTERVAL seconds (bench/run.py: findable p95
    went from ~5 s to under 1 s)."""
    thread = start_background_indexer(app, interval=app.config["SEARCH_INDEXER_INTERVAL"])
    return lambda: stop_background_indexer(app, thread)
