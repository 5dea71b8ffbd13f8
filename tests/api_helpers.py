"""Helpers for the API tests: tokens, a bearer-token client, posts and communities by id."""

import pytest

from app.api.tokens import create_token
from app.extensions import db
from app.models import Community, User
from app.posts.services import create_post
from tests import factories


def token_for(app, user: User, scope: str = "write", name: str = "tests") -> str:
    """A new token's plaintext for the person."""
    with app.app_context():
        _, plaintext = create_token(db.session.get(User, user.id), name, scope)
        db.session.commit()
        return plaintext


class ApiClient:
    """A test client that sends a bearer token and prefixes /api/v1."""

    def __init__(self, app, token: str | None):
        self.client = app.test_client()  # its own cookie jar: the API must not need cookies
        self.token = token

    def open(self, method: str, path: str, json=None, data=None, headers=None):
        """Send one request; `json` is encoded, `data` goes as it is."""
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.client.open("/api/v1" + path, method=method, json=json, data=data, headers=headers)

    def get(self, path: str, **kw):
        return self.open("GET", path, **kw)

    def post(self, path: str, json=None, **kw):
        return self.open("POST", path, json=json, **kw)

    def patch(self, path: str, json=None, **kw):
        return self.open("PATCH", path, json=json, **kw)

    def put(self, path: str, json=None, **kw):
        return self.open("PUT", path, json=json, **kw)

    def delete(self, path: str, **kw):
        return self.open("DELETE", path, **kw)


@pytest.fixture(name="api")
def api_factory(app):
    """`api(user, scope="write")` gives an ApiClient holding a fresh token for the person."""

    def _api(user: User, scope: str = "write") -> ApiClient:
        return ApiClient(app, token_for(app, user, scope))

    return _api


def community(
    app, owner: User, visibility: str = "public", name: str | None = None, members: tuple[User, ...] = ()
) -> int:
    """A community's id (owned by `owner`, with extra members)."""
    with app.app_context():
        row = factories.make_community(
            db.session.get(User, owner.id), visibility, name, [db.session.get(User, m.id) for m in members]
        )
        return row.id


def post(app, author: User, body: str = "Hello team", community_id: int | None = None) -> int:
    """A post's id, written through the service."""
    with app.app_context():
        place = db.session.get(Community, community_id) if community_id else None
        row = create_post(db.session.get(User, author.id), body, place)
        db.session.commit()
        return row.id


def error_fields(response) -> dict:
    """The `fields` of a JSON error answer (asserting its shape)."""
    body = response.get_json()
    assert set(body["error"]) == {"code", "message", "fields"}, body
    assert body["error"]["message"]
    return body["error"]["fields"]
