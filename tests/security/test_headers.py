"""Security headers on every response (each GET route of the URL map, errors and downloads too),
HSTS over HTTPS, cookie flags, security.txt and Socket.IO's origin check."""

import pytest

from app.config import ProductionConfig
from app.security import CSP
from tests.factories import PASSWORD
from tests.realtime_helpers import SocketPool, sign_in
from tests.security import harness
from tests.security.matrix import PARAMS
from tests.security.world import build

EXPECTED = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


# Uploaded files are served with a stricter policy still: nothing loads, and the page is sandboxed.
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def _missing(response) -> dict:
    wrong = {name: response.headers.get(name) for name, want in EXPECTED.items()}
    wrong = {name: got for name, got in wrong.items() if got != EXPECTED[name]}
    if wrong.get("Content-Security-Policy") == DOWNLOAD_CSP:  # stricter than CSP: fine
        del wrong["Content-Security-Policy"]
    return wrong


def test_the_policy_itself_is_strict():
    directives = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP and "*" not in CSP


@pytest.mark.parametrize("role", ["anonymous", "member", "admin"])
def test_every_get_route_answers_with_the_headers(app, role):
    world = build(app)
    client = harness.client_for(app, world, role)
    wrong, seen = {}, set()
    for rule in harness.routes(app):
        if "GET" not in rule.methods:
            continue
        url = harness.url_for_rule(app, rule, harness.params_for(world, PARAMS.get(rule.endpoint, {})))
        response = harness.send(client, world, role, "GET", url)
        seen.add(response.status_code)
        if missing := _missing(response):
            wrong[url] = (response.status_code, missing)
    assert wrong == {}
    assert len(seen) > 1  # pages, redirects and refusals alike


def test_errors_static_files_and_the_api_carry_them_too(client):
    for path in (
        "/no-such-page",
        "/static/css/app.css",
        "/api/v1/me",
        "/healthz",
        "/.well-known/security.txt",
    ):
        response = client.get(path)
        assert _missing(response) == {}, path
        response.close()


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login", base_url="http://localhost").headers
    secure = client.get("/login", base_url="https://localhost").headers
    assert (
        secure["Strict-Transport-Security"].startswith("max-age=")
        and int(secure["Strict-Transport-Security"].split("=")[1]) >= 15_552_000
    )  # at least 180 days


def test_production_cookies_are_secure_httponly_and_lax(app, member):
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY and ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"
    saved = {k: app.config[k] for k in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE")}
    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    try:
        response = app.test_client().post(
            "/login",
            base_url="https://localhost",
            data={"email": member.email, "password": PASSWORD, "remember": "1"},
        )
    finally:
        app.config.update(saved)
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("session=", "remember_token="):
        cookie = next(c for c in cookies if c.startswith(name))
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie
    assert "Strict-Transport-Security" in response.headers


def test_security_txt_says_how_to_report(client, app):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    fields = dict(line.split(": ", 1) for line in response.get_data(as_text=True).splitlines())
    assert fields["Contact"] == app.config["SECURITY_CONTACT"]
    assert fields["Canonical"] == app.config["BASE_URL"] + "/.well-known/security.txt"
    assert fields["Expires"].endswith("Z")


def test_sockets_from_another_origin_are_refused(app, member):
    pool = SocketPool(app)
    try:
        browser = sign_in(app, member)
        assert not pool.connect(browser, headers={"Origin": "https://evil.example"}).is_connected()
        assert not pool.connect(
            browser, headers={"Origin": app.config["BASE_URL"] + ".evil.example"}
        ).is_connected()
        assert pool.connect(browser, headers={"Origin": app.config["BASE_URL"]}).is_connected()
    finally:
        pool.close_all()
