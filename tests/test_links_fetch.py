"""The SSRF-safe fetcher against a real HTTP server on loopback: refusals, redirects, caps, deadlines,
DNS rebinding and TLS server names."""

import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import ThreadingHTTPServer

import pytest

from app.links import fetch as fetch_module
from app.links.fetch import FetchError, Policy, address_allowed, fetch, is_public
from app.links.metadata import decode_html, parse_page, sniff_image
from tests.links_helpers import PNG, PUBLIC_IP, _Handler, fake_resolver, preview_site_fixture, site_fixture  # noqa: F401

LOOPBACK = (ipaddress.ip_network("127.0.0.1/32"),)
ALLOWED = Policy(timeout=2.0, allowed_networks=LOOPBACK)
PAGE = {"accept": "text/html", "max_bytes": 64 * 1024, "truncate": True}
IMAGE = {"accept": "image/*", "max_bytes": 1024 * 1024}


def _refused(url: str, policy: Policy = ALLOWED, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, policy, **(kwargs or PAGE))
    return caught.value


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.5.4", "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
     "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1",
     "::ffff:10.0.0.1", "::", "ff02::1"],
)  # fmt: skip
def test_internal_addresses_are_not_public(address):
    ip = ipaddress.ip_address(address)
    assert not is_public(ip)
    assert not address_allowed(ip, "example.org", Policy())


def test_public_addresses_are_allowed():
    for address in (PUBLIC_IP, "8.8.8.8", "2606:4700:4700::1111"):
        assert address_allowed(ipaddress.ip_address(address), "example.org", Policy())


def test_allow_listed_intranet_names_may_use_private_ranges_but_never_loopback_or_link_local():
    policy = Policy(allowed_hosts=("intranet.force.local", "*.corp.local"))
    private, loopback, metadata = (
        ipaddress.ip_address(a) for a in ("10.2.3.4", "127.0.0.1", "169.254.169.254")
    )
    assert address_allowed(private, "intranet.force.local", policy)
    assert address_allowed(private, "wiki.corp.local", policy)
    assert address_allowed(private, "corp.local", policy)
    assert not address_allowed(private, "notcorp.local", policy)
    assert not address_allowed(private, "other.force.local", policy)
    assert not address_allowed(loopback, "intranet.force.local", policy)
    assert not address_allowed(metadata, "wiki.corp.local", policy)


def test_loopback_is_refused_without_the_allow_list_and_never_contacted(site):
    for url in (
        site.url("/page"),
        site.url("/page", host="localhost"),
        f"http://2130706433:{site.port}/page",  # 127.0.0.1 written as one number
        f"http://0x7f.1:{site.port}/page",
        f"http://[::ffff:127.0.0.1]:{site.port}/page",
    ):
        error = _refused(url, Policy(timeout=2))
        assert error.permanent and "private or internal" in error.message, url
    assert site.requests == []


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/file", "file:///etc/passwd", "javascript:alert(1)", "gopher://x/", "http://user:pw@example.org/",
     "http:///nohost", "https://exa mple.org/"],
)  # fmt: skip
def test_only_plain_http_and_https_addresses_are_fetched(url):
    assert _refused(url, Policy(timeout=1)).permanent


def test_an_allow_listed_page_gives_its_open_graph_preview(site):
    page = fetch(site.url("/page"), ALLOWED, **PAGE)
    assert page.content_type == "text/html" and page.charset == "utf-8" and not page.truncated
    meta = parse_page(decode_html(page.body, page.charset), page.url)
    assert meta.title == "Policing & social media: what works"
    assert meta.description == "Seven lessons from forces that talk with their public."
    assert meta.site_name == "College of Policing"
    assert meta.image == site.url("/img/photo.png")  # made absolute against the page


def test_plain_html_meta_and_charsets_are_read(site):
    plain = fetch(site.url("/plain"), ALLOWED, **PAGE)
    meta = parse_page(decode_html(plain.body, plain.charset), plain.url)
    assert (meta.title, meta.description, meta.image) == ("Plain & simple", "Just meta", "")
    latin = fetch(site.url("/latin1"), ALLOWED, **PAGE)
    assert parse_page(decode_html(latin.body, latin.charset), latin.url).title == "Café news"


def test_images_are_judged_by_their_bytes_not_their_content_type(site):
    photo = fetch(site.url("/img/photo.png"), ALLOWED, **IMAGE)
    assert sniff_image(photo.body) == ("image/png", "png")
    fake = fetch(site.url("/img/fake.png"), ALLOWED, **IMAGE)
    assert sniff_image(fake.body) is None
    assert sniff_image(b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>") is None
    assert sniff_image(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == ("image/webp", "webp")
    assert sniff_image(b"\xff\xd8\xff\xe0") == ("image/jpeg", "jpg")


def test_huge_images_are_refused_with_or_without_a_length(site):
    assert "too large" in _refused(site.url("/img/huge.png"), **IMAGE).message
    started = time.monotonic()
    assert "too large" in _refused(site.url("/img/endless.png"), **IMAGE).message
    assert time.monotonic() - started < 2  # stopped at the cap, not at the end of 6 MB


def test_a_huge_page_is_cut_at_the_cap_and_its_head_still_read(site):
    page = fetch(site.url("/huge-page"), ALLOWED, accept="text/html", max_bytes=32 * 1024, truncate=True)
    assert page.truncated and len(page.body) == 32 * 1024
    assert parse_page(decode_html(page.body, page.charset), page.url).site_name == "College of Policing"


def test_redirects_are_followed_by_hand_up_to_the_limit(site):
    assert fetch(site.url("/redirect"), ALLOWED, **PAGE).url == site.url("/page")
    assert fetch(site.url("/chain/3"), ALLOWED, **PAGE).url == site.url("/page")
    assert "too many" in _refused(site.url("/chain/9")).message
    assert "too many" in _refused(site.url("/loop")).message


@pytest.mark.parametrize(
    "target",
    ["http://10.1.2.3/admin", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://0.0.0.0/",
     "ftp://example.org/file", "file:///etc/passwd"],
)  # fmt: skip
def test_a_redirect_to_an_internal_address_or_other_scheme_is_refused_without_connecting(
    site, monkeypatch, target
):
    connected = []
    real_connect = fetch_module._connect
    monkeypatch.setattr(
        fetch_module, "_connect", lambda f, addr, t: connected.append(addr[0]) or real_connect(f, addr, t)
    )
    error = _refused(site.url(f"/redirect-to?{target}"))
    assert error.permanent
    assert connected == ["127.0.0.1"]  # the allow-listed site only; never the redirect's target


def test_slow_and_dripping_servers_hit_the_deadline(site):
    quick = Policy(timeout=0.5, allowed_networks=LOOPBACK)
    for path in ("/slow", "/drip"):
        started = time.monotonic()
        error = _refused(site.url(path), quick)
        assert "too long" in error.message and not error.permanent, path
        assert time.monotonic() - started < 1.5, path


def test_the_watchdog_cutting_a_body_short_is_a_timeout_not_a_short_page(site, monkeypatch):
    """Shutting the socket makes the next read look like the end of the body; it must not pass as one."""
    monkeypatch.setattr(fetch_module, "_remaining", lambda deadline: 30.0)  # only the watchdog can stop it
    started = time.monotonic()
    error = _refused(site.url("/stall"), Policy(timeout=0.5, allowed_networks=LOOPBACK))
    assert "too long" in error.message and not error.permanent
    assert time.monotonic() - started < 1.5


def test_http_errors_other_types_and_encodings(site):
    assert _refused(site.url("/missing")).permanent
    assert not _refused(site.url("/error")).permanent  # a 5xx may be temporary: retried later
    assert fetch(site.url("/text"), ALLOWED, **PAGE).content_type == "text/plain"
    assert "compressed" in _refused(site.url("/gzip")).message


def test_a_closed_port_is_a_temporary_failure():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    error = _refused(f"http://127.0.0.1:{port}/")
    assert not error.permanent and "reached" in error.message


def test_dns_rebinding_connects_to_the_address_that_was_checked(site, monkeypatch):
    """The name answers public first and loopback after: we resolve once and connect to the checked IP."""
    lookups = fake_resolver(monkeypatch, {"rebind.example": [PUBLIC_IP, "127.0.0.1"]})
    connected = []
    real_connect = fetch_module._connect

    def connect(family, sockaddr, timeout):
        connected.append(sockaddr)
        # The loopback site plays the public server, so the fetch can complete.
        return real_connect(family, ("127.0.0.1", site.port), timeout)

    monkeypatch.setattr(fetch_module, "_connect", connect)
    page = fetch(f"http://rebind.example:{site.port}/page", Policy(timeout=2), **PAGE)
    assert b"College of Policing" in page.body
    assert lookups == ["rebind.example"]  # one lookup: nothing asked DNS again before connecting
    assert connected == [(PUBLIC_IP, site.port)]  # the checked address, not the rebound one
    assert site.requests == [("/page", f"rebind.example:{site.port}")]  # Host names the site


def test_dns_rebinding_is_caught_again_on_a_redirect(site, monkeypatch):
    fake_resolver(monkeypatch, {"rebind.example": [PUBLIC_IP, "127.0.0.1"]})
    real_connect = fetch_module._connect
    monkeypatch.setattr(
        fetch_module, "_connect", lambda f, addr, t: real_connect(f, ("127.0.0.1", site.port), t)
    )
    error = _refused(f"http://rebind.example:{site.port}/redirect", Policy(timeout=2))
    assert "private or internal" in error.message
    assert [path for path, _host in site.requests] == ["/redirect"]  # /page was never asked for


def test_a_name_with_any_private_address_is_refused(monkeypatch):
    def both(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_IP, port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.8", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", both)
    monkeypatch.setattr(fetch_module, "_connect", lambda *a: pytest.fail("must not connect"))
    assert "private or internal" in _refused("http://mixed.example/", Policy(timeout=1)).message


@pytest.fixture(scope="module")
def tls_site(tmp_path_factory):
    """An HTTPS copy of the site with a self-signed certificate for preview.test, recording SNI names."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=preview.test", "-addext", "subjectAltName=DNS:preview.test"],
        check=True, capture_output=True,
    )  # fmt: skip
    names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda _sock, name, _ctx: names.append(name)

    class Site:
        requests: list = []

    handler = type("TLSHandler", (_Handler,), {"site": Site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], names, ssl.create_default_context(cafile=str(cert)), Site.requests
    server.shutdown()
    server.server_close()


def test_https_sends_the_server_name_and_checks_the_certificate_against_it(tls_site, monkeypatch):
    port, names, client_context, requests = tls_site
    fake_resolver(monkeypatch, {"preview.test": ["127.0.0.1"]})
    policy = Policy(timeout=3, allowed_networks=LOOPBACK, tls_context=client_context)
    page = fetch(f"https://preview.test:{port}/page", policy, **PAGE)
    assert b"College of Policing" in page.body
    assert names[-1] == "preview.test"  # SNI names the site, though we connected to an IP
    assert requests[-1] == ("/page", f"preview.test:{port}")
    error = _refused(f"https://127.0.0.1:{port}/page", policy)  # the certificate doesn't name 127.0.0.1
    assert error.permanent and "certificate" in error.message
