"""Helpers for the search tests: write through the real services, then index synchronously; run
each test against both backends (the `search_backend` fixture in conftest.py)."""

import pytest

from app.extensions import db
from app.models import Community, Post, User
from app.posts.replies import create_reply
from app.posts.services import create_post
from app.search.indexer import drain
from app.search.services import search


def fresh(user: User) -> User:
    """The person as a row of the current session (fixtures hand out detached copies)."""
    return db.session.get(User, user.id)


def write(author: User, body: str, community: Community | None = None) -> Post:
    """A post written (and committed) through the service."""
    post = create_post(fresh(author), body, db.session.merge(community) if community else None)
    db.session.commit()
    return post


def reply(author: User, post: Post, body: str):
    """A reply written (and committed) through the service."""
    row = create_reply(fresh(author), db.session.get(Post, post.id), body)
    db.session.commit()
    return row


def indexed(app) -> int:
    """Drain the indexer's queue now (what the background thread or job would do)."""
    return drain(app)


def found(viewer: User, q: str, tab: str = "posts", **kwargs) -> list[tuple[str, int]]:
    """(type, id) of every result on the first page."""
    page = search(fresh(viewer), q, tab, **kwargs)
    return [(shown.type.name, shown.item.id) for shown in page.hits]


# For a test of a Whoosh internal (segments, the lock file): run it with Whoosh only.
whoosh_only = pytest.mark.parametrize("search_backend", ["whoosh"], indirect=True)
