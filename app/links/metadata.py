"""Reading a page's preview from its Open Graph and HTML meta tags, and telling image types by their bytes."""

import codecs
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from app.forms import clean_text

MAX_TITLE = 300
MAX_DESCRIPTION = 1000
MAX_SITE_NAME = 120
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""", re.IGNORECASE)
# Which tag wins for each field, best first.
_PREFERENCE = {
    "title": ("og:title", "twitter:title", "<title>"),
    "description": ("og:description", "twitter:description", "description"),
    "image": (
        "og:image:secure_url",
        "og:image:url",
        "og:image",
        "twitter:image",
        "twitter:image:src",
        "image_src",
    ),
    "site_name": ("og:site_name", "application-name"),
}
# Raster formats browsers show safely; SVG is refused (it can carry script).
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
)


@dataclass
class PageMeta:
    """What a page says about itself; image is an absolute http(s) address or ""."""

    title: str = ""
    description: str = ""
    image: str = ""
    site_name: str = ""


class _MetaParser(HTMLParser):
    """Collects <title>, <meta property|name=... content=...> and <link rel=image_src>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}
        self._in_title = False
        self._title: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        """Note meta tags, image links and the start of the title."""
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").strip().lower()
            if key and "content" in values:
                self.found.setdefault(key, values["content"])
        elif tag == "link" and "image_src" in values.get("rel", "").lower().split():
            self.found.setdefault("image_src", values.get("href", ""))
        elif tag == "title" and "<title>" not in self.found:
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        """Keep the first title once it ends."""
        if tag == "title" and self._in_title:
            self._in_title = False
            self.found.setdefault("<title>", "".join(self._title))

    def handle_data(self, data: str) -> None:
        """Collect the title's text (bounded)."""
        if self._in_title and len(self._title) < 100:
            self._title.append(data)


def decode_html(body: bytes, charset: str | None) -> str:
    """Text from the page's bytes: the header's charset, else a <meta charset>, else UTF-8."""
    candidates = [charset]
    match = _META_CHARSET.search(body[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii"))
    for name in candidates:
        if not name:
            continue
        try:
            codecs.lookup(name)
        except LookupError:
            continue
        return body.decode(name, errors="replace")
    return body.decode("utf-8", errors="replace")


def _pick(found: dict[str, str], field: str, limit: int) -> str:
    for key in _PREFERENCE[field]:
        value = clean_text(found.get(key, ""))
        if value:
            return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
    return ""


def parse_page(html: str, base_url: str) -> PageMeta:
    """The preview fields a page declares (any malformed HTML gives what could be read)."""
    parser = _MetaParser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):
        pass  # html.parser gives up on some broken markup; keep what it found before that
    found = parser.found
    image = _pick(found, "image", 2000)
    if image:
        image = urljoin(base_url, image)
        if urlsplit(image).scheme.lower() not in ("http", "https"):
            image = ""
    return PageMeta(
        title=_pick(found, "title", MAX_TITLE),
        description=_pick(found, "description", MAX_DESCRIPTION),
        image=image,
        site_name=_pick(found, "site_name", MAX_SITE_NAME),
    )


def sniff_image(data: bytes) -> tuple[str, str] | None:
    """(MIME type, file extension) judged from the bytes themselves, or None if not a safe image."""
    for signature, mime, extension in _SIGNATURES:
        if data.startswith(signature):
            return mime, extension
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None
