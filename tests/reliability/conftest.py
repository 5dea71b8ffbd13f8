"""Fixtures for the reliability tests: real nginx, gunicorn, Redis and PostgreSQL processes of their own.

Every test here is marked `stack` and `slow`. Without nginx or redis-server they are skipped with a
message saying what to install; CI sets REQUIRE_STACK=1, which turns that into a failure.
"""

import itertools
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploy.processes import free_port
from deploy.stack import Stack
from tests.reliability.infra import (
    PrivatePostgres,
    PrivateRedis,
    _pg_bindir,
    make_people,
    require,
    require_stack_tools,
    start_stack,
)

HERE = Path(__file__).resolve().parent
_databases = itertools.count(1)
SHARED_PEOPLE = 20


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark everything under tests/reliability as `stack` and `slow` (before -m selects)."""
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.stack)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="package", autouse=True)
def _stack_tools():
    """nginx and redis-server are needed by every test here."""
    require_stack_tools()


@pytest.fixture(scope="session")
def private_postgres():
    """A PostgreSQL cluster of our own on a free port, for the session (never the machine's 5432)."""
    require("PostgreSQL server binaries (initdb)", _pg_bindir() is not None, "apt-get install postgresql")
    cluster = PrivatePostgres().init()
    yield cluster
    cluster.destroy()


@pytest.fixture
def stack_database(request, tmp_path):
    """A fresh database for a stack: on our own PostgreSQL when the suite runs on PostgreSQL, else SQLite."""
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        cluster = request.getfixturevalue("private_postgres")
        return lambda: cluster.create_database(f"rollcall_stack_{os.getpid()}_{next(_databases)}")
    return lambda: f"sqlite:///{tmp_path / f'stack{next(_databases)}.db'}"


@dataclass
class Running:
    """A started stack with its private Redis, a port for SMTP, and people with write tokens."""

    stack: Stack
    redis: PrivateRedis
    smtp_port: int
    people: list[dict]

    def take(self, count: int) -> list[dict]:
        """People no other test has used (one process creates them all: each costs an app start)."""
        taken, self.people = self.people[:count], self.people[count:]
        assert len(taken) == count, "SHARED_PEOPLE is too small for the tests using shared_stack"
        return taken


@pytest.fixture(scope="package")
def shared_stack(tmp_path_factory, request):
    """One stack for the tests that don't break it: two web processes, its own Redis, mail to a port
    where no SMTP server listens until a test starts one."""
    state = tmp_path_factory.mktemp("shared_stack")
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        database_url = request.getfixturevalue("private_postgres").create_database(
            f"rollcall_shared_{os.getpid()}"
        )
    else:
        database_url = f"sqlite:///{state / 'rollcall.db'}"
    queue = PrivateRedis().start()
    smtp_port = free_port()
    stack = None
    try:
        stack = start_stack(
            state,
            queue,
            database_url,
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(smtp_port),
            MAIL_USE_TLS="0",
            MAIL_RETRY_BASE_SECONDS="0.5",
            MAIL_RETRY_MAX_SECONDS="1",
        )
        yield Running(stack, queue, smtp_port, make_people(stack, SHARED_PEOPLE, "shared"))
    finally:
        if stack is not None:
            stack.stop()
        queue.stop()
