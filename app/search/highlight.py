"""Snippets: the matching words marked in the database's current text, HTML-escaped by Whoosh."""

from markupsafe import Markup, escape
from whoosh.highlight import ContextFragmenter, HtmlFormatter, WholeFragmenter, highlight

from app.search.schema import ANALYZER

SNIPPET_CHARS = 240
_FORMATTER = HtmlFormatter(tagname="mark", classname="hl", termclass="hl-term", between=" … ")
_CONTEXT = ContextFragmenter(maxchars=SNIPPET_CHARS, surround=80)
_WHOLE = WholeFragmenter()


def _excerpt(text: str) -> Markup:
    text = " ".join(text.split())
    if len(text) > SNIPPET_CHARS:
        text = text[: SNIPPET_CHARS - 1].rstrip() + "…"
    return escape(text)


def snippet(text: str, terms: frozenset[str]) -> Markup:
    """The best one or two passages with the terms marked, or the start of the text."""
    if terms and text:
        marked = highlight(text, terms, ANALYZER, _CONTEXT, _FORMATTER, top=2)
        if marked:
            return Markup(marked)
    return _excerpt(text)


def marked_title(title: str, terms: frozenset[str]) -> Markup:
    """A whole title with the terms marked."""
    if terms and title:
        marked = highlight(title, terms, ANALYZER, _WHOLE, _FORMATTER, top=1)
        if marked:
            return Markup(marked)
    return escape(title)
