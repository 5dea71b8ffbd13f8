"""Hostile input: open redirects, IDOR, mass assignment, oversized and malformed bodies, garbage
cursors and wrong content types. Each answers a clear 4xx (or ignores what it must), stores nothing
it shouldn't, and never a 500."""

import json

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Post, User
from app.security import local_path
from tests.api_helpers import api_factory, community, post  # noqa: F401
from tests.factories import PASSWORD

# Each of these reaches another site in a browser although some start with a single slash.
OFF_SITE = [
    "//evil.example/",
    "/\\evil.example/",
    "/\\/evil.example/",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "https://evil.example/",
    "http:/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "///evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_local_path_refuses_every_way_off_the_site(target):
    assert local_path(target) is None


@pytest.mark.parametrize("target", ["/", "/posts/3#reply-4", "/search?q=a%20b", "/%2F%2Fevil"])
def test_local_path_keeps_our_own_paths(target):
    assert local_path(target) == target


def _offsite(response) -> bool:
    return local_path(response.headers.get("Location", "")) is None


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_redirects_off_site(app, member, target):
    """Fixed: "/\\evil.example" passed the old check (a single leading slash) and left the site."""
    client = app.test_client()
    response = client.post(
        "/login", query_string={"next": target}, data={"email": member.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("target", OFF_SITE[:6])
def test_form_next_fields_never_redirect_off_site(app, client, login, member, target):
    login(member)
    post_id = post(app, member, "Hello")
    for path, data in [
        (f"/posts/{post_id}/react", {"kind": "like", "next": target}),
        (f"/posts/{post_id}/follow", {"next": target}),
        ("/policy/accept", {"version": "1", "next": target}),
    ]:
        response = client.post(path, data=data)
        assert response.status_code in (302, 303), path
        assert not _offsite(response), (path, response.headers["Location"])
    page = client.get(f"/report/post/{post_id}", query_string={"next": target}).get_data(as_text=True)
    assert "evil.example" not in page  # the report page's back link


# --- IDOR and mass assignment ------------------------------------------------------------------


def test_ids_in_bodies_cannot_reach_what_the_person_cannot_see(app, api, member, intruder, comms):
    secret = community(app, comms, "secret", "Hush", members=(member,))
    client = api(intruder)
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Post))
    for path, body in [
        ("/posts", {"body": "sneaking in", "community_id": secret}),
        ("/links", {"url": "https://example.org", "why": "x", "community_ids": [secret]}),
        ("/updates", {"title": "t", "body": "b", "community_ids": [secret]}),
        ("/proposals", {"draft": "d", "why": "w", "community_id": secret}),
    ]:
        response = client.post(path, json=body)
        assert response.status_code in (403, 404, 422), (path, response.status_code)
        assert b"Hush" not in response.data
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Post)) == before


def test_changing_ids_in_urls_reaches_nothing_of_someone_elses(app, api, member, intruder):
    mine = post(app, member, "Mine to edit")
    client = api(intruder)
    assert client.patch(f"/posts/{mine}", json={"body": "defaced"}).status_code == 403
    assert client.delete(f"/posts/{mine}").status_code == 403
    with app.app_context():
        assert db.session.get(Post, mine).body_source == "Mine to edit"


def test_role_and_author_in_bodies_are_ignored(app, api, client, login, member, intruder):
    response = api(intruder).post("/posts", json={"body": "as me", "author_id": member.id, "role": "admin"})
    assert response.status_code == 201 and response.get_json()["author"]["id"] == intruder.id
    login(intruder)
    client.post(
        "/profile/edit",
        data={
            "name": "Ivy Intruder",
            "staff_type": "civilian",
            "role": "admin",
            "is_admin": "1",
            "id": member.id,
        },
    )
    with app.app_context():
        assert db.session.get(User, intruder.id).role == "member"
        assert db.session.get(User, member.id).name == "Morgan Member"
    app.test_client().post(
        "/register",
        data={
            "email": "new@example.police.uk",
            "name": "New",
            "password": "a long passphrase",
            "role": "admin",
        },
    )
    with app.app_context():
        assert db.session.scalar(select(User.role).where(User.email == "new@example.police.uk")) in (
            None,
            "member",
        )


# --- oversized and malformed ------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused_before_it_is_read(app, api, member):
    huge = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = api(member).post(
        "/posts", data=json.dumps({"body": huge}), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    login_page = app.test_client().post("/login", data={"email": huge[:100], "password": huge})
    assert login_page.status_code == 413


def test_a_long_post_is_refused_with_a_message_and_nothing_stored(app, api, member):
    response = api(member).post("/posts", json={"body": "word " * 300_000})  # 1.5 MB
    assert response.status_code == 422 and response.get_json()["error"]["fields"]["body"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Post)) == 0


@pytest.mark.parametrize(
    "raw",
    [
        b'{"body": "\xff\xfe broken"}',
        b'{"body": ',
        b"[" * 5000 + b"]" * 5000,
        json.dumps({"body": {"nested": [[[[{"deep": 1}]]]]}}).encode(),
        b'{"body": "ok", "community_id": "1; DROP TABLE posts"}',
        b'{"body": "ok", "community_id": 99999999999999999999}',
        b'{"body": "ok", "community_id": -1}',
        b'{"body": "\\u0000\\ud800"}',
        b"null",
        b'"just a string"',
    ],
)
def test_malformed_json_answers_4xx_and_stores_nothing(app, api, member, raw):
    response = api(member).post("/posts", data=raw, headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, response.status_code
    assert response.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Post)) == 0


def test_invalid_utf8_in_a_form_is_refused_or_kept_as_text(app, client, login, member):
    login(member)
    response = client.post(
        "/posts", data=b"body=caf\xe9+\xff\xfe", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code < 500


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_wrong_content_types_on_the_api(app, api, member, content_type):
    response = api(member).post("/posts", data="body=hello", headers={"Content-Type": content_type})
    assert response.status_code in (400, 415, 422), response.status_code
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Post)) == 0


CURSORS = ["-1", "0", "99999999999999999999999", "abc", "1e9", "%00", "[]", "'", "1;2", "\u0661"]
LISTS = [
    "/feeds/home",
    "/communities",
    "/users",
    "/notifications",
    "/events",
    "/links",
    "/sessions",
    "/proposals",
    "/questions",
    "/updates",
    "/search?q=hello&x=1",
    "/links/saved",
]


def test_garbage_cursors_and_limits_answer_4xx_or_a_page(app, api, member):
    post(app, member, "hello")
    client = api(member)
    for path in LISTS:
        join = "&" if "?" in path else "?"
        for value in CURSORS:
            for name in ("cursor", "limit", "after"):
                response = client.get(f"{path}{join}{name}={value}")
                assert response.status_code in (200, 400, 422), (path, name, value, response.status_code)
                if response.status_code != 200:
                    assert response.get_json()["error"]["message"]


def test_garbage_in_page_query_strings_never_errors(app, client, login, member):
    login(member)
    for path in ["/", "/search", "/people", "/communities/", "/notifications", "/proposals", "/curated/all"]:
        for value in CURSORS:
            response = client.get(path, query_string={"cursor": value, "q": value, "page": value})
            assert response.status_code < 500, (path, value)
