"""Whoosh without a heap copy of each segment, and without keeping old segments mapped.

Each process maps a segment's compound file (mmap) and reads it in place. Two things in
whoosh-reloaded 2.7.5 undo that, and are changed here (tests/test_search_mapped_segments.py):

- BufferFile, the file Whoosh opens inside a mapped segment, wraps its memoryview in a BytesIO,
  which copies it: every process held the index's postings and terms on its heap as well as in
  the page cache (at 100k posts, 250 MB of a web worker's heap and 290 MB mapped). It gets a
  read-only file that reads the memoryview in place instead.
- A SegmentWriter caches one searcher for update_document()'s deletions and keeps its real
  close() as `searcher._orig_close`: a bound method of the searcher stored on the searcher, a
  reference cycle. The mmaps of its segment readers outlive close() (memoryviews still point into
  them), so each commit left its readers' segment files mapped and open until a full garbage
  collection, which a process with a large heap seldom runs: `flask jobs run` grew to 3 GB of
  mapped, deleted segment files while indexing ~7,000 posts. The cycle is broken at the end.
"""

from io import BytesIO

from whoosh.filedb.structfile import BufferFile
from whoosh.writing import SegmentWriter


class MemoryViewFile:
    """A read-only file over a memoryview, read in place (the reads Whoosh's StructFile makes)."""

    __slots__ = ("_view", "_pos", "_end")

    def __init__(self, view: memoryview) -> None:
        self._view, self._pos, self._end = view, 0, len(view)

    def read(self, size: int | None = -1) -> bytes:
        """Up to `size` bytes from the position (all that is left when size is negative)."""
        start = self._pos
        if start >= self._end:
            return b""
        end = self._end if size is None or size < 0 else min(start + size, self._end)
        self._pos = end
        return self._view[start:end].tobytes()

    def readline(self, size: int | None = -1) -> bytes:
        """Up to and including the next newline (pickle's text opcodes)."""
        line = bytearray()
        while self._pos < self._end and (size is None or size < 0 or len(line) < size):
            byte = self._view[self._pos]
            self._pos += 1
            line.append(byte)
            if byte == 10:
                break
        return bytes(line)

    def seek(self, offset: int, whence: int = 0) -> int:
        """Move as a file does (whence 0: from the start, 1: from here, 2: from the end)."""
        base = (0, self._pos, self._end)[whence]
        self._pos = max(base + offset, 0)
        return self._pos

    def tell(self) -> int:
        """The position."""
        return self._pos

    def close(self) -> None:
        """Nothing to release: the memoryview belongs to the segment's storage."""


def buffer_file_init(self: BufferFile, buf, name=None, onclose=None) -> None:
    """BufferFile's __init__, reading a memoryview in place rather than through a BytesIO copy."""
    self._buf = buf
    self._name = name
    self.file = MemoryViewFile(buf) if isinstance(buf, memoryview) else BytesIO(buf)
    # Straight to the file's methods: StructFile's read() and seek() only pass the call on, and
    # Whoosh reads a byte at a time (varints); one Python call a read, as with the BytesIO.
    self.read, self.seek, self.tell = self.file.read, self.file.seek, self.file.tell
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


_finish = SegmentWriter._finish


def finish_without_cycle(self: SegmentWriter) -> None:
    """Whoosh's _finish, then break the cached searcher's cycle so reference counting frees it."""
    searcher = self._searcher
    _finish(self)
    if searcher is not None:
        searcher.__dict__.pop("_orig_close", None)


BufferFile.__init__ = buffer_file_init
SegmentWriter._finish = finish_without_cycle
