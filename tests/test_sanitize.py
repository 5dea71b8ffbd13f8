"""The one renderer: Markdown subset, mentions, topics, and nothing executable gets through."""

from html.parser import HTMLParser

import pytest

from app.sanitize import ALLOWED_TAGS, RENDER_VERSION, clean, plain_text, render


class _Elements(HTMLParser):
    """Collects every real element and attribute in an HTML fragment."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<iframe src=https://example.com></iframe>",
    "**<style>body{display:none}</style>**",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "![img](https://example.com/x.png)",
    "[x](vbscript:msgbox)",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_render_inert(payload):
    for tag, attrs in _Elements(render(payload).html).elements:
        assert tag in ALLOWED_TAGS
        assert not any(name.startswith("on") or name == "style" for name in attrs)
        href = (attrs.get("href") or "").strip().lower()
        assert not href.startswith(("javascript:", "data:", "vbscript:"))


def test_markdown_subset():
    html = render("**bold** *it* ~~gone~~\n\n- a\n- b\n\n1. one\n\n> quoted\n\n`code`").html
    for tag in (
        "<strong>bold</strong>",
        "<em>it</em>",
        "<s>gone</s>",
        "<ul>",
        "<ol>",
        "<blockquote>",
        "<code>code</code>",
    ):
        assert tag in html


def test_headings_and_images_are_not_formatting():
    html = render("# Big\n\n![alt](https://x.org/a.png)").html
    assert "<h1" not in html and "<img" not in html


def test_links_are_autolinked_with_safe_rel():
    html = render("see www.college.police.uk and https://example.org/a?b=1").html
    assert 'href="http://www.college.police.uk"' in html
    assert 'href="https://example.org/a?b=1"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_mentions_and_topics():
    result = render(
        "Thanks @Sam.Patel and @ghost for #Wellbeing #wellbeing; not me@example.org or a#b",
        mention_url=lambda h: "/people/7" if h == "sam.patel" else None,
        topic_url=lambda t: f"/topics/{t}",
    )
    assert result.mentions == ["sam.patel"]
    assert result.topics == ["wellbeing"]
    assert '<a class="mention" href="/people/7"' in result.html
    assert "@ghost" in result.html and 'class="topic"' in result.html
    assert result.version == RENDER_VERSION


def test_mentions_in_code_are_ignored():
    result = render("`@sam.patel` and\n\n    #topic", mention_url=lambda h: "/people/1")
    assert result.mentions == [] and result.topics == []


def test_clean_drops_unknown_classes():
    assert (
        clean('<a class="evil mention" href="/x">x</a>')
        == '<a class="mention" href="/x" rel="nofollow noopener noreferrer">x</a>'
    )


def test_plain_text_excerpt():
    assert plain_text("**Hello**   world\n> again") == "Hello world again"
    assert len(plain_text("x" * 500, 50)) == 50
