"""Property tests of app/sanitize.py: whatever goes in, only allow-listed tags and attributes come
out, and no URL that could run script. Derandomized with a modest number of examples each, so CI is
fast and a failure reproduces on every run."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.sanitize import clean, render
from tests.security.xss import corpus, stored_problems

PROPERTIES = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

TAGS = [
    "a",
    "p",
    "script",
    "img",
    "svg",
    "math",
    "iframe",
    "style",
    "div",
    "span",
    "strong",
    "em",
    "code",
    "pre",
    "ol",
    "li",
    "blockquote",
    "form",
    "input",
    "object",
    "embed",
    "base",
    "meta",
    "link",
    "template",
    "noscript",
    "details",
    "mglyph",
    "mtext",
    "table",
    "textarea",
    "title",
    "x",
]
ATTRIBUTES = [
    "href",
    "src",
    "onclick",
    "onerror",
    "onload",
    "style",
    "class",
    "title",
    "lang",
    "id",
    "xlink:href",
    "formaction",
    "action",
    "srcdoc",
    "data",
    "start",
    "rel",
    "target",
    "ontoggle",
]
SCHEMES = [
    "javascript:",
    "JaVaScRiPt:",
    " javascript:",
    "java\tscript:",
    "java\nscript:",
    "&#106;avascript:",
    "javascript&colon;",
    "vbscript:",
    "data:text/html,",
    "data:image/svg+xml,",
    "livescript:",
    "http://",
    "https://",
    "mailto:",
    "/",
    "//",
    "#",
    "",
]
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
value = (
    st.builds(lambda scheme, rest: scheme + rest, st.sampled_from(SCHEMES), TEXT)
    | TEXT
    | st.sampled_from(
        [
            '"',
            "'",
            "`",
            ">",
            '"><script>window.__xss=1</script>',
            "alert(1)",
            "mention",
            "topic",
            "mention topic evil",
        ]
    )
)
attribute = st.tuples(st.sampled_from(ATTRIBUTES), value, st.sampled_from(['"', "'", ""]))


def _element(children):
    def build(tag, attrs, inner, closed):
        rendered = "".join(f" {name}={quote}{val}{quote}" for name, val, quote in attrs)
        return f"<{tag}{rendered}>{''.join(inner)}" + (f"</{tag}>" if closed else "")

    return st.builds(
        build,
        st.sampled_from(TAGS),
        st.lists(attribute, max_size=3),
        st.lists(children, max_size=3),
        st.booleans(),
    )


html = st.recursive(
    TEXT | st.sampled_from(["<!--", "-->", "<![CDATA[", "]]>", "&lt;", "&#x3c;", "</", "<"]),
    _element,
    max_leaves=12,
)
MARKDOWN_BITS = [
    "[",
    "]",
    "(",
    ")",
    "](",
    "<",
    ">",
    "javascript:",
    "data:",
    "http://x.org",
    "@",
    "#",
    "*",
    "_",
    "`",
    "```",
    "\n",
    "\n\n",
    "> ",
    "- ",
    "1. ",
    "&#",
    ";",
    "!",
    '"',
    "'",
    "\\",
    " ",
    "www.",
    "mailto:",
]
markdown = st.lists(st.sampled_from(MARKDOWN_BITS) | TEXT | html, max_size=20).map("".join)


@PROPERTIES
@given(html)
def test_clean_keeps_only_the_allow_list(fragment):
    assert stored_problems(clean(fragment)) == []


@PROPERTIES
@given(markdown)
def test_rendering_any_text_gives_allowed_html(source):
    rendered = render(
        source, mention_url=lambda handle: f"/people/by-handle/{handle}", topic_url=lambda t: f"/topics/{t}"
    )
    assert stored_problems(rendered.html) == []


@PROPERTIES
@given(markdown)
def test_rendered_html_is_already_clean(source):
    """A second pass changes nothing: what is stored is exactly what the allow-list lets through."""
    html = render(source).html
    assert clean(html) == html


@PROPERTIES
@given(st.sampled_from(corpus()), markdown)
def test_payloads_stay_inert_inside_other_text(payload, surrounding):
    for source in (surrounding + payload, payload + surrounding, f"{surrounding}\n\n{payload}"):
        assert stored_problems(render(source).html) == []
