"""Let a finished Whoosh writer's searcher be freed at once, and with it the segment files it mapped.

A SegmentWriter caches one searcher for update_document()'s deletions and keeps its real close()
as `searcher._orig_close`: a bound method of the searcher stored on the searcher, a reference
cycle. Its segment readers' mmaps outlive close() (memoryviews still point into them, so close()
only drops the mmap), so each commit left its readers' segment files mapped and open until a full
garbage collection, which a process with a large heap seldom runs: `flask jobs run` grew to 3 GB
of mapped, deleted segment files while indexing ~7,000 posts (tests/test_search_indexer.py counts
the mappings).
"""

from whoosh.writing import SegmentWriter

_finish = SegmentWriter._finish


def finish_without_cycle(self: SegmentWriter) -> None:
    """Whoosh's _finish, then break the cached searcher's cycle so reference counting frees it."""
    searcher = self._searcher
    _finish(self)
    if searcher is not None:
        searcher.__dict__.pop("_orig_close", None)


SegmentWriter._finish = finish_without_cycle
