"""Personal access tokens: the services, bearer authentication, scopes, the token pages and the CLI."""

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.api.tokens import (
    MAX_ACTIVE_TOKENS,
    create_token,
    hash_token,
    revoke_token,
    user_for_token,
)
from app.errors import NotFound, ValidationError
from app.extensions import db, limiter
from app.models import ApiToken, Post, User, utcnow
from tests.api_helpers import ApiClient, api_factory, error_fields, token_for  # noqa: F401


def _user(user: User) -> User:
    return db.session.get(User, user.id)


# --- services ---------------------------------------------------------------------------------


def test_create_token_stores_only_the_hash_and_a_prefix(ctx, member):
    token, plaintext = create_token(_user(member), "  Rota   sync ", "write")
    assert plaintext.startswith("rc_") and len(plaintext) > 40
    assert token.token_hash == hashlib.sha256(plaintext.encode()).hexdigest() == hash_token(plaintext)
    assert token.prefix == plaintext[:8] and plaintext not in (token.name, token.prefix, token.token_hash)
    assert token.name == "Rota sync" and token.scope == "write" and token.revoked_at is None
    other_token, other = create_token(_user(member), "second", "read")
    assert other != plaintext and other_token.token_hash != token.token_hash


@pytest.mark.parametrize(
    ("name", "scope", "field"),
    [
        ("", "read", "name"),
        ("   ", "read", "name"),
        ("x" * 81, "read", "name"),
        ("ok", "admin", "scope"),
        ("ok", "", "scope"),
        (None, "read", "name"),
    ],
)
def test_create_token_validates(ctx, member, name, scope, field):
    with pytest.raises(ValidationError) as exc:
        create_token(_user(member), name, scope)
    assert field in exc.value.fields
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_at_most_twenty_active_tokens(ctx, member):
    person = _user(member)
    tokens = [create_token(person, f"t{i}", "read")[0] for i in range(MAX_ACTIVE_TOKENS)]
    with pytest.raises(ValidationError) as exc:
        create_token(person, "one too many", "read")
    assert "revoke" in exc.value.fields["name"]
    revoke_token(person, tokens[0].id)
    assert create_token(person, "room again", "read")[0].id


def test_revoke_token_and_only_ones_own(ctx, member, intruder):
    token, plaintext = create_token(_user(member), "script", "read")
    db.session.commit()
    assert user_for_token(plaintext).id == member.id
    db.session.rollback()  # as between requests: the use was recorded on another connection
    with pytest.raises(NotFound):
        revoke_token(_user(intruder), token.id)
    with pytest.raises(NotFound):
        revoke_token(_user(member), 999999)
    revoke_token(_user(member), token.id)
    revoke_token(_user(member), token.id)  # twice is harmless
    assert token.revoked_at is not None
    assert user_for_token(plaintext) is None


def test_user_for_token_refuses_junk_and_leavers(ctx, member):
    _, plaintext = create_token(_user(member), "script", "read")
    db.session.commit()
    for junk in (None, "", "rc_", "rc_nope", plaintext + "x", plaintext[3:], "x" * 5000):
        assert user_for_token(junk) is None
    _user(member).deactivated_at = utcnow()
    db.session.commit()
    assert user_for_token(plaintext) is None


def test_last_used_is_written_at_most_once_a_minute(ctx, member):
    token, plaintext = create_token(_user(member), "script", "read")
    db.session.commit()
    user_for_token(plaintext)
    db.session.rollback()  # a new snapshot: the update was committed on another connection
    first = db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.id == token.id))
    assert first is not None
    db.session.rollback()
    user_for_token(plaintext)
    db.session.rollback()
    assert db.session.get(ApiToken, token.id).last_used_at == first
    stale = first - timedelta(minutes=2)
    db.session.get(ApiToken, token.id).last_used_at = stale
    db.session.commit()
    user_for_token(plaintext)
    db.session.rollback()
    assert db.session.get(ApiToken, token.id).last_used_at > stale


# --- bearer authentication --------------------------------------------------------------------


def test_bearer_token_authenticates(app, api, member):
    response = api(member).get("/me")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == member.id and body["email"] == member.email
    assert body["token"]["scope"] == "write" and body["token"]["prefix"].startswith("rc_")


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer rc_wrong", "Basic abc", "bearer  "])
def test_missing_or_bad_token_is_401_json(app, header):
    client = app.test_client()
    response = client.get("/api/v1/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert error_fields(response) == {}
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_session_cookie_does_not_authenticate_the_api(app, client, login, member):
    login(member)
    assert client.get("/account/tokens").status_code == 200  # the cookie works for pages
    assert client.get("/api/v1/me").status_code == 401
    assert client.post("/api/v1/posts", json={"body": "via cookie"}).status_code == 401
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Post)) == 0


def test_remember_cookie_does_not_authenticate_the_api(app, member):
    from tests.factories import PASSWORD

    client = app.test_client()
    client.post("/login", data={"email": member.email, "password": PASSWORD, "remember": "1"})
    with client.session_transaction() as session:
        session.clear()  # only the remember-me cookie is left
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 401


def test_token_does_not_sign_in_to_web_pages(app, member):
    token = token_for(app, member)
    response = app.test_client().get("/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_read_token_may_only_read(app, api, member):
    reader = api(member, "read")
    assert reader.get("/feeds/home").status_code == 200
    response = reader.post("/posts", json={"body": "Should not be stored"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "read_only_token"
    assert "scope" in error_fields(response)
    for method in ("PATCH", "PUT", "DELETE"):
        assert reader.open(method, "/posts/1", json={}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Post)) == 0


def test_revoked_token_and_deactivated_owner_are_refused(app, api, member):
    client = api(member)
    assert client.get("/me").status_code == 200
    with app.app_context():
        revoke_token(db.session.get(User, member.id), db.session.scalar(select(ApiToken.id)))
        db.session.commit()
    assert client.get("/me").status_code == 401
    other = api(member)
    with app.app_context():
        db.session.get(User, member.id).deactivated_at = utcnow()
        db.session.commit()
    assert other.get("/me").status_code == 401


def test_api_is_rate_limited_per_token(app, api, member, comms):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    limiter.enabled = True
    limiter.reset()
    try:
        busy, other = api(member), api(comms)
        assert [busy.get("/me").status_code for _ in range(3)] == [200, 200, 200]
        response = busy.get("/me")
        assert response.status_code == 429 and response.get_json()["error"]["code"]
        assert other.get("/me").status_code == 200  # a different token has its own allowance
    finally:
        limiter.enabled = False
        limiter.reset()
        app.config.pop("API_RATE_LIMIT")


# --- the token pages --------------------------------------------------------------------------


def test_token_page_creates_shows_once_and_revokes(app, client, login, member):
    login(member)
    page = client.get("/account/tokens")
    assert page.status_code == 200 and b"No tokens yet" in page.data
    response = client.post("/account/tokens", data={"name": "Rota sync", "scope": "write"})
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    plaintext = re.search(rb'value="(rc_[^"]+)"', response.data).group(1).decode()
    assert b"won't be able to see it again" in response.data
    assert ApiClient(app, plaintext).get("/me").status_code == 200
    listing = client.get("/account/tokens")
    assert plaintext.encode() not in listing.data and plaintext[:8].encode() in listing.data
    assert b"Rota sync" in listing.data and b"Read and write" in listing.data
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    response = client.post(f"/account/tokens/{token_id}/revoke")
    assert response.status_code == 302
    assert b"Revoked" in client.get("/account/tokens").data
    assert ApiClient(app, plaintext).get("/me").status_code == 401


def test_token_page_shows_errors_beside_fields(client, login, member):
    login(member)
    response = client.post("/account/tokens", data={"name": "", "scope": "everything"})
    assert response.status_code == 422
    assert b'id="f-name-error"' in response.data and b'id="f-scope-error"' in response.data


def test_cannot_revoke_someone_elses_token(app, client, login, member, intruder):
    token_for(app, member)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    login(intruder)
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 404
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is None


def test_token_pages_need_csrf(app, client, login, member):
    login(member)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/account/tokens", data={"name": "x", "scope": "read"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_account_menu_links_to_tokens(client, login, member):
    login(member)
    assert b'href="/account/tokens"' in client.get("/account/tokens").data


# --- CLI --------------------------------------------------------------------------------------


def test_cli_prints_a_working_token(app, runner, member):
    result = runner.invoke(args=["users", "token", member.email, "--name", "Backup", "--scope", "write"])
    assert result.exit_code == 0, result.output
    plaintext = result.stdout.strip()
    assert plaintext.startswith("rc_")
    body = ApiClient(app, plaintext).get("/me").get_json()
    assert body["token"] == {"name": "Backup", "prefix": plaintext[:8], "scope": "write"}


def test_cli_defaults_to_read_and_refuses_unknown_people(app, runner, member):
    result = runner.invoke(args=["users", "token", member.email])
    assert result.exit_code == 0
    assert ApiClient(app, result.stdout.strip()).get("/me").get_json()["token"]["scope"] == "read"
    result = runner.invoke(args=["users", "token", "nobody@example.police.uk"])
    assert result.exit_code != 0 and "No active account" in result.output


def test_first_use_is_recorded_by_reads_and_writes(app, api, member):
    reader, writer = api(member, "read"), api(member, "write")
    assert reader.get("/me").status_code == 200
    assert writer.post("/posts", json={"body": "First post from a script"}).status_code == 201
    with app.app_context():
        assert all(db.session.scalars(select(ApiToken.last_used_at)))


def test_api_needs_no_csrf_token_and_sets_no_cookies(app, api, client, login, member):
    writer = api(member)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = writer.post("/posts", json={"body": "From a script"})
        assert response.status_code == 201
        assert "Set-Cookie" not in response.headers
        login(member)  # a browser's cookie still gets nowhere, CSRF or not
        assert client.post("/api/v1/posts", json={"body": "From a page"}).status_code == 401
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        assert [p.body_source for p in db.session.scalars(select(Post))] == ["From a script"]
