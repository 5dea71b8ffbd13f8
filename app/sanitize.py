"""The only place that turns user text into HTML: safe Markdown subset -> HTML -> nh3 allow-list.

Rendered once at write time; the stored HTML records RENDER_VERSION so `flask posts rerender`
can refresh it when this allow-list or the formatting changes.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from markdown_it.rules_inline import StateInline

RENDER_VERSION = 2  # 2: no generic lang/title attributes (nh3 kept them on every tag)

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "a", "s"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}  # class is governed by ALLOWED_CLASSES
ALLOWED_CLASSES = {"a": {"mention", "topic"}}
URL_SCHEMES = {"http", "https", "mailto"}

HANDLE_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}[a-z0-9]|[a-z0-9]", re.IGNORECASE)
TOPIC_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,49}", re.IGNORECASE)


@dataclass
class Rendered:
    """Sanitised HTML plus the mentions and topics found in the text."""

    html: str
    mentions: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    version: int = RENDER_VERSION


def _word_start(state: StateInline) -> bool:
    return state.pos == 0 or not (state.src[state.pos - 1].isalnum() or state.src[state.pos - 1] in "_/&")


def _token_rule(marker: str, pattern: re.Pattern, token_type: str):
    def rule(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] != marker or not _word_start(state):
            return False
        match = pattern.match(state.src, state.pos + 1)
        if not match:
            return False
        if not silent:
            token = state.push(token_type, "", 0)
            token.content = match.group(0)
        state.pos = match.end()
        return True

    return rule


def _render_mention(_renderer, tokens, idx, _options, env) -> str:
    text = tokens[idx].content
    url = env["mention_url"](text.lower())
    if url is None:
        return "@" + escape_html(text)
    if text.lower() not in env["mentions"]:
        env["mentions"].append(text.lower())
    return f'<a class="mention" href="{escape_html(url)}">@{escape_html(text)}</a>'


def _render_topic(_renderer, tokens, idx, _options, env) -> str:
    text = tokens[idx].content
    if text.lower() not in env["topics"]:
        env["topics"].append(text.lower())
    if env["topic_url"] is None:
        return "#" + escape_html(text)
    return f'<a class="topic" href="{escape_html(env["topic_url"](text.lower()))}">#{escape_html(text)}</a>'


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True, "typographer": False})
    md.enable(["linkify", "strikethrough"])
    md.disable(["image", "heading", "lheading", "html_block", "html_inline", "reference"])
    md.inline.ruler.before("emphasis", "mention", _token_rule("@", HANDLE_RE, "mention"))
    md.inline.ruler.before("emphasis", "topic", _token_rule("#", TOPIC_RE, "topic"))
    md.add_render_rule("mention", _render_mention)
    md.add_render_rule("topic", _render_topic)
    return md


_parser = _build_parser()


def render(
    source: str,
    mention_url: Callable[[str], str | None] = lambda _h: None,
    topic_url: Callable[[str], str] | None = None,
) -> Rendered:
    """Render user text; @handles link when mention_url knows them, #topics when topic_url is given."""
    env = {"mention_url": mention_url, "topic_url": topic_url, "mentions": [], "topics": []}
    html = _parser.render(source or "", env)
    return Rendered(html=clean(html), mentions=env["mentions"], topics=env["topics"])


def clean(html: str) -> str:
    """Run HTML through the strict allow-list (also used for anything else that holds user HTML)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        # "*": nh3 otherwise keeps ammonia's generic attributes (lang, title) on every tag.
        attributes={"*": set(), **ALLOWED_ATTRIBUTES},
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    ).strip()


def plain_text(source: str, limit: int = 200) -> str:
    """A short plain-text excerpt of user text, for notifications, titles and emails."""
    text = re.sub(r"\s+", " ", re.sub(r"[*_`>#~\[\]]", "", source or "")).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
