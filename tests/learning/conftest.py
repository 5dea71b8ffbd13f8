"""Fixtures for the lunch-and-learn session tests."""

from datetime import timedelta

import pytest

from tests.learning.helpers import WINTER_NOON, Clock, freeze


@pytest.fixture
def frozen(monkeypatch) -> Clock:
    """Freeze the learning clock a week before WINTER_NOON; tests move it."""
    return freeze(monkeypatch, WINTER_NOON - timedelta(days=7))
