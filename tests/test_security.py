"""Cross-cutting security: every route declares access, CSRF, CSP and cookie settings."""

import re

import pytest

from app.permissions import ACCESS_LEVELS
from app.security import CSP
from tests.factories import PASSWORD

# Endpoints anyone may reach without signing in. Adding one here is a security decision.
PUBLIC_ENDPOINTS = {
    "auth.login",
    "auth.accept_invitation",
    "auth.register",
    "auth.confirm_email",
    "auth.forgot_password",
    "auth.reset_password",
    "main.healthz",
    "main.privacy",
    "main.accessibility",
    "main.security_txt",  # RFC 9116: how to report a vulnerability
    "learning.calendar_feed",  # a calendar program polls it with the secret in the URL, no cookies
    "identity.start",  # single sign-on: to the provider and back (404 unless configured)
    "identity.callback",
    "digest.unsubscribe",  # the emailed link (signed token) and RFC 8058 one-click POST, no sign-in
}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            yield rule


def test_every_route_declares_an_access_level(app):
    missing = [
        r.endpoint
        for r in _routes(app)
        if getattr(app.view_functions[r.endpoint], "access_level", None) not in ACCESS_LEVELS
    ]
    assert not missing, f"routes without @access(...): {missing}"


def test_only_the_known_routes_are_public(app):
    public = {r.endpoint for r in _routes(app) if app.view_functions[r.endpoint].access_level == "public"}
    assert public == PUBLIC_ENDPOINTS


def _sample_url(app, rule) -> str:
    """A URL for the rule with plausible arguments (ids 1, the first choice of any(...), else "x")."""
    from werkzeug.routing import AnyConverter, IntegerConverter

    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = 1
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "x"
    with app.test_request_context():
        return app.url_map.bind("localhost").build(rule.endpoint, values, method=sorted(rule.methods)[0])


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_anonymous_requests_to_private_routes_are_refused(app, client, method):
    for rule in _routes(app):
        if app.view_functions[rule.endpoint].access_level == "public" or method not in rule.methods:
            continue
        response = client.open(_sample_url(app, rule), method=method)
        assert response.status_code in (302, 401), f"{method} {rule.rule} answered {response.status_code}"
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]


def test_member_is_refused_on_admin_routes(app, client, login, member):
    login(member)
    for rule in _routes(app):
        level = app.view_functions[rule.endpoint].access_level
        if level in ("public", "signed_in") or "GET" not in rule.methods:
            continue
        response = client.get(_sample_url(app, rule))
        assert response.status_code == 403, f"{rule.rule} ({level}) answered {response.status_code}"


def test_unknown_access_level_is_rejected():
    from app.permissions import access

    with pytest.raises(ValueError):
        access("everyone")


def test_strict_csp_and_headers(client):
    response = client.get("/login")
    assert response.headers["Content-Security-Policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_csrf_is_required_on_forms(app, client, member):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/login", data={"email": member.email, "password": PASSWORD})
        assert response.status_code == 400
        assert b"form expired" in response.data
        page = client.get("/login").data.decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = client.post(
            "/login", data={"email": member.email, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_session_cookie_is_httponly_and_samesite(client, member):
    response = client.post("/login", data={"email": member.email, "password": PASSWORD, "remember": "1"})
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    remember = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session, remember):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_config_requires_secure_cookies_and_a_secret(monkeypatch):
    from app import create_app
    from app.config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True or ProductionConfig.SESSION_COOKIE_SECURE
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_login_is_rate_limited_with_a_clear_message(app, client, member):
    from app.extensions import limiter

    limiter.enabled = True
    limiter.reset()
    try:
        for _ in range(5):
            client.post("/login", data={"email": member.email, "password": "wrong password"})
        response = client.post("/login", data={"email": member.email, "password": PASSWORD})
        assert response.status_code == 429
        assert b"Too many attempts" in response.data
        assert member.email.encode() in response.data  # the form keeps the email
    finally:
        limiter.enabled = False
        limiter.reset()


def test_next_parameter_cannot_redirect_off_site(client, member):
    response = client.post(
        "/login?next=//evil.example.com/", data={"email": member.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"
