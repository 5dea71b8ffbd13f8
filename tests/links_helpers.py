"""Helpers for the curated-links tests: a real HTTP site on loopback, and sharing links by id."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.extensions import db
from app.links.services import LinkDraft, share_link
from app.models import User

# The smallest PNG header plus padding: enough for the sniffer, which reads the signature.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PUBLIC_IP = "93.184.216.34"  # a public address the tests pretend a name resolves to
OG_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Fallback title</title>
<meta property="og:title" content="Policing &amp; social media: what works">
<meta property="og:description" content="  Seven lessons from forces   that talk with their public. ">
<meta property="og:site_name" content="College of Policing">
<meta property="og:image" content="{image}">
</head><body><p>Hello</p></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    """Routes for every case the preview tests need; see PreviewSite."""

    site: "PreviewSite"

    def log_message(self, *args) -> None:
        """Keep test output quiet."""

    def _send(
        self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", **headers
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str, status: int = 302) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _page(self, image: str) -> None:
        self._send(200, OG_PAGE.format(image=image).encode())

    def do_GET(self) -> None:
        """Serve the route the path names (one branch each), recording the request first."""
        self.site.requests.append((self.path, self.headers.get("Host", "")))
        path, _, query = self.path.partition("?")
        try:
            if path == "/page":
                self._page("/img/photo.png")
            elif path == "/plain":
                self._send(
                    200, b"<title>Plain &amp; simple</title><meta name='description' content='Just meta'>"
                )
            elif path == "/latin1":
                self._send(200, "<title>Café news</title>".encode("latin-1"), "text/html; charset=iso-8859-1")
            elif path == "/img/photo.png":
                self._send(200, PNG, "application/octet-stream")  # the bytes say PNG; the header doesn't
            elif path == "/img/fake.png":
                self._send(200, b"<html><script>alert(1)</script></html>", "image/png")
            elif path == "/img/huge.png":
                self._send(200, PNG + b"\x00" * (3 * 1024 * 1024), "image/png")
            elif path == "/img/endless.png":
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()  # no length: the body runs until we stop
                self.wfile.write(PNG)
                for _ in range(400):
                    self.wfile.write(b"\x00" * 16384)
            elif path == "/page-with-image":
                self._page(query)
            elif path == "/huge-page":
                head = OG_PAGE.format(image="").encode()
                self._send(200, head + b"<p>" + b"x" * (3 * 1024 * 1024) + b"</p>")
            elif path == "/redirect":
                self._redirect("/page")
            elif path.startswith("/chain/"):
                left = int(path.rsplit("/", 1)[1])
                self._redirect(f"/chain/{left - 1}" if left > 0 else "/page", 301 if left % 2 else 307)
            elif path == "/loop":
                self._redirect("/loop")
            elif path == "/redirect-to":
                self._redirect(query)
            elif path == "/slow":
                time.sleep(2)
                self._page("")
            elif path == "/drip":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                for _ in range(200):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.05)
            elif path == "/stall":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<title>Half")
                self.wfile.flush()
                time.sleep(2)
                self.wfile.write(b" a page</title>")
            elif path == "/text":
                self._send(200, b"just text", "text/plain")
            elif path == "/gzip":
                self._send(200, b"\x1f\x8b not really", "text/html", Content_Encoding="gzip")
            elif path == "/error":
                self._send(500, b"oops")
            else:
                self._send(404, b"not here")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the fetcher hung up on purpose (a cap or a deadline)


class PreviewSite:
    """A threaded http.server on 127.0.0.1 with pages, redirects, slow and huge answers.

    `requests` records (path, Host header) for every request, so a test can prove that a refused
    address was never contacted, or which name the request carried.
    """

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        handler = type("Handler", (_Handler,), {"site": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        """An address on this site."""
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        """Stop serving and release the socket."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module", name="preview_site")
def preview_site_fixture():
    """The loopback site, shared by a test module."""
    site = PreviewSite()
    yield site
    site.close()


@pytest.fixture(name="site")
def site_fixture(preview_site):
    """The loopback site with its request log emptied for this test."""
    preview_site.requests.clear()
    return preview_site


def fake_resolver(monkeypatch, answers: dict[str, list[str]]) -> list[str]:
    """Make socket.getaddrinfo answer these names with these addresses, one answer per call (the
    last one repeats); returns the list of names looked up, in order."""
    calls: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        """The scripted answer for our names; the real resolver for any other."""
        if host not in answers:
            return real(host, port, *args, **kwargs)
        seen = calls.count(host)
        calls.append(host)
        ip = answers[host][min(seen, len(answers[host]) - 1)]
        family = socket.AF_INET6 if ":" in ip else socket.AF_INET
        return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return calls


def share(app, curator: User, url: str = "https://example.org/report", **fields) -> int:
    """A curated link's id, shared through the service (All staff unless community_ids given)."""
    with app.app_context():
        draft = LinkDraft(url=url, why=fields.pop("why", "Useful for every team."), **fields)
        links = share_link(db.session.get(User, curator.id), draft)
        db.session.commit()
        return links[0].id


def post_id_of(app, link_id: int) -> int:
    """The post a link rides on."""
    from app.models import CuratedLink

    with app.app_context():
        return db.session.get(CuratedLink, link_id).post_id
