"""Snippets: the matching words marked in the database's current text, HTML-escaped by Whoosh."""

from markupsafe import Markup, escape
from whoosh.analysis import Filter, Token
from whoosh.highlight import ContextFragmenter, HtmlFormatter, WholeFragmenter, highlight

from app.search.schema import ANALYZER

SNIPPET_CHARS = 240
_FORMATTER = HtmlFormatter(tagname="mark", classname="hl", termclass="hl-term", between=" … ")
_CONTEXT = ContextFragmenter(maxchars=SNIPPET_CHARS, surround=80)
_WHOLE = WholeFragmenter()
MEMO_WORDS = 50_000  # words whose index term is remembered (cleared when full)


class _RememberedTerms(Filter):
    """ANALYZER's filters (lower case, accents, stop words, stemmer) for one word at a time,
    remembered: a page of snippets reads ~1,100 words, mostly the same few hundred, and running
    each through Whoosh's chain of generators was most of the cost of highlighting."""

    def __init__(self, filters) -> None:
        self.filters = filters
        self.memo: dict[tuple[str, bool], tuple[str, bool] | None] = {}

    def _term(self, text: str, removestops: bool) -> tuple[str, bool] | None:
        tokens = iter([Token(text=text, removestops=removestops, mode="query", positions=False)])
        for step in self.filters:
            tokens = step(tokens)
        found = [(t.text, t.stopped) for t in tokens]
        return found[0] if found else None

    def __call__(self, tokens):
        memo = self.memo
        for t in tokens:
            key = (t.text, t.removestops)
            if key not in memo:
                if len(memo) >= MEMO_WORDS:
                    memo.clear()
                memo[key] = self._term(*key)
            found = memo[key]
            if found is not None:
                t.text, t.stopped = found
                yield t


_MARKING = ANALYZER.items[0] | _RememberedTerms(ANALYZER.items[1:])  # the same tokenizer


def _excerpt(text: str) -> Markup:
    text = " ".join(text.split())
    if len(text) > SNIPPET_CHARS:
        text = text[: SNIPPET_CHARS - 1].rstrip() + "…"
    return escape(text)


def snippet(text: str, terms: frozenset[str]) -> Markup:
    """The best one or two passages with the terms marked, or the start of the text."""
    if terms and text:
        marked = highlight(text, terms, _MARKING, _CONTEXT, _FORMATTER, top=2)
        if marked:
            return Markup(marked)
    return _excerpt(text)


def marked_title(title: str, terms: frozenset[str]) -> Markup:
    """A whole title with the terms marked."""
    if terms and title:
        marked = highlight(title, terms, _MARKING, _WHOLE, _FORMATTER, top=1)
        if marked:
            return Markup(marked)
    return escape(title)
