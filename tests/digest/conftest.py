"""Fixtures for the digest tests: a world of communities, and the digest clock."""

import pytest

from app.digest import periods
from tests.digest.helpers import make_world


@pytest.fixture
def world(app, comms, member):
    """Public, private and secret communities owned by comms with member in each, a post in each."""
    return make_world(app, comms, member)


@pytest.fixture
def clock(monkeypatch):
    """Move the digest clock: clock(at) sets periods.now()."""

    def _set(at):
        monkeypatch.setattr(periods, "now", lambda: at)

    return _set
