"""The index on disk and this process's one shared searcher.

Opening a searcher costs ~70 ms at 100k posts (DESIGN.md), so each process keeps one and
refreshes it before a query (cheap when nothing changed; only changed segments are reopened).
Whoosh searchers are not safe to use from two threads at once, and refreshing closes what the old
searcher used, so queries take a lock only while they touch the index; loading results and
cutting snippets happen outside it.
"""

import gc
import logging
import struct
import threading
import time
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app
from whoosh import index as whoosh_index
from whoosh.query import Every
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.scoring import BaseScorer, WeightingModel
from whoosh.searching import Searcher
from whoosh.writing import CLEAR

from app.search import (
    postings,  # noqa: F401 - a faster skip_to for "quoted phrases"
    whoosh_memory,  # noqa: F401 - segments read in place, old ones unmapped at once
)
from app.search.schema import SCHEMA_VERSION, build_schema

log = logging.getLogger(__name__)

# Kept in the index directory; Whoosh leaves files starting with "." alone.
LOCK_FILE = ".indexer.lock"
REBUILD_MARKER = ".rebuild-needed"
VERSION_FILE = ".schema-version"


class SearchUnavailable(Exception):
    """The index could not be read (it is marked for a rebuild); the page says so, never a 500."""


# What reading a damaged or vanished index raises.
_BROKEN = (OSError, EOFError, struct.error, zlib.error)


class ShortTextBM25(WeightingModel):
    """BM25 with b = 0: term-frequency saturation and idf, but no length normalisation. Posts and
    replies are short and alike in length, and reading each match's field length was half the cost
    of a search at 100k posts (tf-idf without saturation would reward repeating a word)."""

    K1 = 1.2

    def scorer(self, searcher, fieldname, text, qf=1):
        """A scorer for one term in one field."""
        return _SaturatingScorer(searcher.idf(fieldname, text) * qf, self.K1)


class _SaturatingScorer(BaseScorer):
    def __init__(self, idf: float, k1: float) -> None:
        self.idf, self.k1 = idf, k1

    def supports_block_quality(self) -> bool:
        return False

    def score(self, matcher) -> float:
        weight = matcher.weight()
        return self.idf * weight * (self.k1 + 1) / (weight + self.k1)


def _reopen(ix, old: Searcher | None, weighting) -> tuple[Searcher, int]:
    """A searcher on the newest commit, reusing the old one's segment readers where nothing changed.

    Not Whoosh's Searcher.refresh(): whoosh-reloaded 2.7.5 reuses a segment's reader even after the
    segment has gained deletions (an edited post would still match its old words) and adds back
    segments a merge removed. Returns the searcher and the generation it reads.
    """
    for attempt in range(5):
        try:
            toc = ix._read_toc()
            break
        except OSError:  # a writer removed a file just as we read: Whoosh itself retries this
            if attempt == 4:
                raise
            time.sleep(0.05)
    leaves = [r for r, _ in old.reader().leaf_readers() if r.segment() is not None] if old else []
    previous = {r.segment().segment_id(): r for r in leaves}
    readers = []
    for segment in toc.segments:
        reader = previous.get(segment.segment_id())
        if reader is not None and reader.segment().deleted_count() == segment.deleted_count():
            readers.append(previous.pop(segment.segment_id()))
        else:
            readers.append(SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation))
    for unused in previous.values():
        unused.close()
    if not readers:
        combined = EmptyReader(toc.schema)
    else:
        combined = readers[0] if len(readers) == 1 else MultiReader(readers, generation=toc.generation)
    return Searcher(combined, fromindex=ix, weighting=weighting), toc.generation


class SearchIndex:
    """One app's index directory, its shared searcher and the indexer's wake-up signal."""

    backend = "whoosh"

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self._ix = None
        self._searcher: Searcher | None = None
        self._generation = -1
        self._lock = threading.RLock()
        self.wake = threading.Event()  # set by the event subscriber; the indexer thread waits on it
        self.stop = threading.Event()
        self.dirty = False  # something was written (tests reset the index only then)

    # -- opening ---------------------------------------------------------------------------------
    def ix(self):
        """The Whoosh index, opened (or created empty, marked for a rebuild) on first use."""
        with self._lock:
            if self._ix is None:
                self._ix = self._open_or_create()
            return self._ix

    def _open_or_create(self):
        self.path.mkdir(parents=True, exist_ok=True)
        if whoosh_index.exists_in(str(self.path)) and self._version_on_disk() == SCHEMA_VERSION:
            return whoosh_index.open_dir(str(self.path))
        return self._create_empty()

    def _create_empty(self):
        ix = whoosh_index.create_in(str(self.path), build_schema())
        (self.path / VERSION_FILE).write_text(str(SCHEMA_VERSION))
        self.mark_rebuild()
        return ix

    def _version_on_disk(self) -> int | None:
        try:
            return int((self.path / VERSION_FILE).read_text().strip())
        except (OSError, ValueError):
            return None

    def verify(self) -> str:
        """Start-up check: open the index and read it; a missing or corrupt one is recreated empty
        and marked for a rebuild (which the indexer then does), never a crash. Returns the state."""
        with self._lock, warnings.catch_warnings():
            # Whoosh leaves a file open when it can't parse it; it is closed as the error is dropped.
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                self._ix = self._open_or_create()
                with self.searcher() as searcher:
                    searcher.doc_count()
                    next(iter(searcher.reader().all_stored_fields()), None)
                    searcher.search(Every(), limit=1)
            except Exception as exc:  # noqa: BLE001 - any failure to read it means the index can't be trusted
                log.warning(
                    "Search index at %s is unreadable (%s); it will be rebuilt.", self.path, repr(exc)
                )
                self.close()
                self._ix = self._create_empty()
            gc.collect()
        return "rebuilding" if self.needs_rebuild() else "ok"

    # -- the rebuild marker ------------------------------------------------------------------------
    def needs_rebuild(self) -> bool:
        """Whether the index must be rebuilt from the database (new, corrupt, or a rebuild cut short)."""
        return (self.path / REBUILD_MARKER).exists()

    def mark_rebuild(self) -> None:
        """Note that a rebuild is due (kept until one finishes, so a crash mid-way redoes it)."""
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / REBUILD_MARKER).touch()

    def clear_rebuild(self) -> None:
        """A rebuild has finished."""
        (self.path / REBUILD_MARKER).unlink(missing_ok=True)

    # -- reading -----------------------------------------------------------------------------------
    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """The shared searcher, refreshed to the newest commit, for the duration of the block."""
        with self._lock:
            try:
                ix = self.ix()
                if self._searcher is None or ix.latest_generation() != self._generation:
                    self._searcher, self._generation = _reopen(ix, self._searcher, ShortTextBM25())
                yield self._searcher
            except _BROKEN as exc:
                log.exception("Search index at %s could not be read; marking it for a rebuild.", self.path)
                self.close()
                self.mark_rebuild()
                raise SearchUnavailable(str(exc)) from exc

    def writer(self, **kwargs):
        """A Whoosh writer; only the indexer (holding the indexer lock) calls this."""
        self.dirty = True
        return self.ix().writer(**kwargs)

    def close(self) -> None:
        """Close the shared searcher (tests, and before the index is recreated)."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher, self._generation = None, -1
            self._ix = None

    def reset(self) -> None:
        """Empty the index (tests). A commit that clears every segment, not a new index, so every
        process's searcher sees a newer generation and refreshes."""
        with self._lock:
            writer = self.ix().writer()
            writer.commit(mergetype=CLEAR)
            self.clear_rebuild()
            self.dirty = False

    def probe(self) -> None:
        """Read the index (healthz); raises when it can't."""
        with self.searcher() as searcher:
            searcher.doc_count()

    def has_documents(self) -> bool:
        """Whether anything is indexed."""
        with self.searcher() as searcher:
            return searcher.doc_count_all() > 0


def init_index(app: Flask) -> SearchIndex:
    """Create the app's SearchIndex (opened lazily)."""
    state = SearchIndex(app.config["SEARCH_INDEX_DIR"])
    app.extensions["search"] = state
    return state


def search_index(app: Flask | None = None) -> SearchIndex:
    """The current app's SearchIndex."""
    return (app or current_app).extensions["search"]
