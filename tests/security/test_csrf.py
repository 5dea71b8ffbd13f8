"""CSRF: every state-changing page route (from the URL map) refuses a request without a valid token,
and the API, which is CSRF-exempt, never accepts the browser's cookie in place of a token."""

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Base
from tests.security import harness
from tests.security.matrix import PARAMS
from tests.security.world import build

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Writes that carry their own proof instead of a session's CSRF token. The digest's one-click
# unsubscribe (RFC 8058) is POSTed by mail programs, which have no session: the signed, expiring token
# in its URL is what authorises it (tests/digest check it; here a made-up token must change nothing).
TOKEN_IN_URL = {("digest.unsubscribe", "POST")}


@pytest.fixture
def csrf_on(app):
    """Flask-WTF's check switched on, as in every environment but the test suite."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def _rows(app) -> dict[str, int]:
    with app.app_context():
        return {
            t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in Base.metadata.sorted_tables
        }


def _writes(app, world, api: bool):
    for rule in harness.routes(app):
        if rule.rule.startswith("/api/") != api:
            continue
        url = harness.url_for_rule(app, rule, harness.params_for(world, PARAMS.get(rule.endpoint, {})))
        for method in set(harness.methods(rule)) & WRITES:
            yield rule.endpoint, method, url


@pytest.mark.parametrize("token", [None, "forged-token", "stale"])
def test_every_state_changing_page_refuses_a_missing_or_wrong_token(app, csrf_on, token):
    world = build(app)
    client = harness.client_for(app, world, "admin")  # the most powerful session: nothing else stops it
    if token == "stale":  # a real token from another session
        other = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', other.get("/login").get_data(as_text=True))[1]
    before = _rows(app)
    writes = list(_writes(app, world, api=False))
    assert len(writes) > 100
    accepted = []
    for endpoint, method, url in writes:
        data = {"csrf_token": token} if token else {}
        response = client.open(url, method=method, data=data)
        if (endpoint, method) in TOKEN_IN_URL:
            if response.status_code != 400:
                accepted.append(f"{method} {url} ({endpoint}): {response.status_code}")
            continue
        if response.status_code != 400 or b"form expired" not in response.data.lower():
            accepted.append(f"{method} {url} ({endpoint}): {response.status_code}")
    assert accepted == []
    assert _rows(app) == before  # nothing stored, not even an audit entry or an event


def test_a_valid_token_is_accepted(app, csrf_on, member):
    """The control: the same check lets the real form through."""
    from tests.factories import PASSWORD

    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))[1]
    response = client.post("/login", data={"email": member.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_the_api_never_takes_the_session_cookie_for_a_write(app, csrf_on):
    """A page on another site can make a signed-in browser send cookies; the API ignores them."""
    world = build(app)
    client = harness.client_for(app, world, "admin")
    assert client.get("/").status_code == 200  # the cookie is a real, signed-in session
    before = _rows(app)
    answers = {}
    for _endpoint, method, url in _writes(app, world, api=True):
        response = client.open(url, method=method, json={"body": "cookie only"})
        answers[f"{method} {url}"] = response.status_code
    assert set(answers.values()) == {401}, {k: v for k, v in answers.items() if v != 401}
    assert _rows(app) == before
