"""Word diffs for suggestions and version history, as segments the templates escape and mark up."""

import re
from difflib import SequenceMatcher

_TOKENS = re.compile(r"\s+|[^\s]+")
_LINES = re.compile(r"[^\n]*\n|[^\n]+")
# Beyond this many token pairs, compare line by line so a huge draft can't make a page slow.
MAX_WORK = 4_000_000

Segment = tuple[str, str]  # ("equal" | "insert" | "delete" | "skip", text)


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for op, text in segments:
        if not text:
            continue
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged


def _shorten(text: str, context: int, first: bool, last: bool) -> list[Segment]:
    """Keep `context` words each side of an unchanged run and mark the rest skipped."""
    tokens = _TOKENS.findall(text)
    keep = context * 2  # words and the spaces between them
    if len(tokens) <= keep * 2 + 1:
        return [("equal", text)]
    head = [] if first else tokens[:keep]
    tail = [] if last else tokens[-keep:]
    return [("equal", "".join(head)), ("skip", "\u2026"), ("equal", "".join(tail))]


def word_diff(before: str, after: str, context: int | None = None) -> list[Segment]:
    """What changed from `before` to `after`, word by word; with `context`, long unchanged runs shrink."""
    before, after = before or "", after or ""
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    if len(a) * len(b) > MAX_WORK:
        a, b = _LINES.findall(before), _LINES.findall(after)
    segments: list[Segment] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("equal", "".join(a[i1:i2])))
        else:
            segments.append(("delete", "".join(a[i1:i2])))
            segments.append(("insert", "".join(b[j1:j2])))
    segments = _merge(segments)
    if context is None or all(op == "equal" for op, _ in segments):
        return segments
    shortened: list[Segment] = []
    for index, (op, text) in enumerate(segments):
        if op == "equal":
            shortened += _shorten(text, context, first=index == 0, last=index == len(segments) - 1)
        else:
            shortened.append((op, text))
    return _merge(shortened)
