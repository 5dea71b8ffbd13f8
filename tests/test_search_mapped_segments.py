"""Committing to the index, and searching it as it changes, keep only live segment files mapped.

Counts, never times: the index's files in /proc/self/maps after many small commits (each one an
indexer pass), with the cyclic garbage collector off, as it in effect is in a worker with a large
heap (a full collection there is rare). Before the fix every commit left its writer's segment
files mapped: `flask jobs run` reached 3 GB of mapped, deleted segment files.
"""

import gc
import sys
from contextlib import contextmanager

import pytest

from app.search.index import SearchIndex
from tests.search_helpers import found, indexed, whoosh_only, write

pytestmark = [
    pytest.mark.usefixtures("search_backend"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps"),
]
COMMITS = 20


def mapped_files(directory) -> set[str]:
    """Files under the directory that this process has mapped (deleted ones included)."""
    prefix = str(directory)
    with open("/proc/self/maps") as maps:
        return {line.split(None, 5)[5].strip() for line in maps if f" {prefix}/" in line}


@contextmanager
def no_cyclic_gc():
    """Only reference counting frees objects for the block."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


def _own_index(app, monkeypatch, tmp_path) -> SearchIndex:
    state = SearchIndex(str(tmp_path / "index"))
    monkeypatch.setitem(app.extensions, "search", state)
    state.verify()
    indexed(app)
    return state


@whoosh_only
def test_indexer_passes_leave_no_segment_files_mapped(app, ctx, member, monkeypatch, tmp_path):
    state = _own_index(app, monkeypatch, tmp_path)
    with no_cyclic_gc():
        for n in range(COMMITS):
            write(member, f"Rota swap number {n} for the canteen")
            indexed(app)
        # The indexer itself searches nothing: after its commits nothing of the index stays mapped.
        assert {p for p in mapped_files(state.path) if "(deleted)" in p} == set()
        assert mapped_files(state.path) == set()


@whoosh_only
def test_a_searcher_following_commits_maps_only_live_segments(app, ctx, member, monkeypatch, tmp_path):
    state = _own_index(app, monkeypatch, tmp_path)
    with no_cyclic_gc():
        for n in range(COMMITS):
            write(member, f"Briefing room {n} booked for training")
            indexed(app)
            assert found(member, f"briefing {n}") != []
        live = {f"{state.path}/{s.make_filename('.seg')}" for s in state.ix()._segments()}
        assert mapped_files(state.path) <= live
