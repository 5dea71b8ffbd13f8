"""The index's segments are read where they are mapped, and only live segments stay mapped.

Counts, never times: the bytes a searcher's opening puts on the heap (tracemalloc), and the
index's files in /proc/self/maps after many small commits (each one an indexer pass) with the
cyclic garbage collector off, as it in effect is in a worker with a large heap (a full collection
there is rare). Before app/search/whoosh_memory.py each process copied every segment it opened
onto its heap, and every commit left its writer's segment files mapped: `flask jobs run` reached
3 GB of mapped, deleted segment files.
"""

import gc
import pickle
import random
import sys
import tracemalloc
from contextlib import contextmanager
from io import BytesIO

import pytest

from app.search.index import SearchIndex
from app.search.whoosh_memory import MemoryViewFile
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


@whoosh_only
def test_opening_a_searcher_reads_the_segments_in_place(app, ctx, member, monkeypatch, tmp_path):
    state = _own_index(app, monkeypatch, tmp_path)
    for n in range(40):
        write(member, f"Shift pattern {n}: " + " ".join(f"word{n * 7 + k}" for k in range(400)))
    indexed(app)
    on_disk = sum(p.stat().st_size for p in state.path.glob("*.seg"))
    assert on_disk > 100_000
    reader = SearchIndex(str(state.path))  # another process's view: nothing opened yet
    tracemalloc.start()
    try:
        with reader.searcher() as searcher:
            assert searcher.doc_count() >= 40
        kept, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        reader.close()
    # A BytesIO copied each file opened in a segment: more than the segments' size was kept.
    assert kept < on_disk / 2


def test_a_memoryview_file_reads_as_a_bytesio_does():
    rng = random.Random(5)
    data = pickle.dumps({"terms": list(range(50))}, protocol=0) + bytes(
        rng.randrange(256) for _ in range(3000)
    )
    ours, theirs = MemoryViewFile(memoryview(data)), BytesIO(data)
    for _ in range(500):
        action = rng.choice(["read", "readline", "seek", "seek_here", "seek_end", "tell"])
        if action == "read":
            size = rng.choice([-1, 0, 1, 2, 4, 8, 100, 5000])
            assert ours.read(size) == theirs.read(size)
        elif action == "readline":
            assert ours.readline() == theirs.readline()
        elif action == "seek":
            position = rng.randrange(len(data) + 10)
            assert ours.seek(position) == theirs.seek(position)
        elif action == "seek_here":
            offset = rng.randrange(-10, 10)
            if theirs.tell() + offset >= 0:
                assert ours.seek(offset, 1) == theirs.seek(offset, 1)
        elif action == "seek_end":
            offset = -rng.randrange(len(data))
            assert ours.seek(offset, 2) == theirs.seek(offset, 2)
        assert ours.tell() == theirs.tell()
    ours.seek(0)
    assert pickle.load(ours) == {"terms": list(range(50))}  # text opcodes: readline
