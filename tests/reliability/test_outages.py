"""Dependencies failing under the running stack: Redis, PostgreSQL and the mail relay go away and
come back. Pages keep being served or say clearly why not; nothing is lost; everything recovers."""

import time

import pytest
import socketio
from sqlalchemy import bindparam, create_engine, text

from tests.reliability.infra import Api, Browser, Listener, PrivateRedis, make_people, start_stack, wait_for
from tests.test_mail_outbox import smtp_server


@pytest.fixture
def own_stack(tmp_path, stack_database):
    """A stack (two processes) over a Redis of its own, which the test may stop."""
    queue = PrivateRedis().start()
    try:
        stack = start_stack(tmp_path / "stack", queue, stack_database())
        yield stack, queue
        stack.stop()
    finally:
        queue.stop()


def test_redis_down_pages_keep_working_realtime_pauses_then_catches_up(own_stack):
    stack, queue = own_stack
    writer, reader = make_people(stack, 2, "redis")
    listener = Listener(stack.url, reader["token"]).connect()
    browser = Browser(stack.url)
    try:
        queue.stop()
        # Within a few heartbeats every process notices and drops its sockets.
        wait_for(lambda: not listener.client.connected, 10, "the socket to be closed by the server")
        with pytest.raises(socketio.exceptions.ConnectionError):
            listener.connect()  # refused, with {retry: true}, while the queue is down
        assert listener.refusals[-1] == {
            "message": "Live updates are paused while the server reconnects.",
            "data": {"retry": True},
        }

        assert browser.get("/login")[0] == 200  # pages are served
        assert (
            browser.submit("/login", {"email": writer["email"], "password": "wrong"})[0] == 422
        )  # limits: no 500
        browser.sign_in(writer["email"])
        assert browser.get("/")[0] == 200
        missed = []
        for port in stack.web_ports:  # writes work, on either process
            with Api(port, writer["token"]) as api:
                status, post = api.request("POST", "/api/v1/posts", {"body": "Written while Redis was down"})
            assert status == 201, post
            missed.append(post["id"])

        queue.start()
        started = time.monotonic()
        listener.connect_when_accepted(30)
        print(f"\nredis back: live connections accepted again after {time.monotonic() - started:.1f}s")
        wait_for(lambda: set(missed) <= listener.post_ids(), 10, "the posts written during the outage")
        # And delivery across processes works again.
        for port in stack.web_ports:
            with Api(port, writer["token"]) as api:
                status, post = api.request("POST", "/api/v1/posts", {"body": "After the outage"})
            wait_for(lambda pid=post["id"]: pid in listener.post_ids(), 10, "live delivery after the outage")
    finally:
        listener.close()


def test_database_down_answers_503_then_recovers(tmp_path, private_postgres):
    queue = PrivateRedis().start()
    stack = start_stack(
        tmp_path / "stack", queue, private_postgres.create_database("rollcall_outage"), processes=1
    )
    try:
        [person] = make_people(stack, 1, "dbdown")
        browser = Browser(stack.url)
        browser.sign_in(person["email"])
        assert browser.get("/")[0] == 200

        private_postgres.stop()
        status, page = browser.get("/")
        assert status == 503 and "Temporarily unavailable" in page
        assert "Traceback" not in page and "psycopg" not in page
        status, health = browser.get("/healthz")
        assert status == 503 and '"database":"error"' in health.replace(" ", "")
        with Api(stack.config.port, person["token"]) as api:
            assert api.request("GET", "/api/v1/me") == (
                503,
                {"error": {"code": "database_unavailable", "fields": {}, "message": api_message()}},
            )
            assert api.request("POST", "/api/v1/posts", {"body": "Lost?"})[0] == 503
        time.sleep(1.5)  # a few passes of the jobs worker against the missing database
        assert all(child.alive() for child in stack.children.values())

        private_postgres.start()
        wait_for(lambda: browser.get("/healthz")[0] == 200, 20, "/healthz to recover")
        assert browser.get("/")[0] == 200  # the same session, no sign-in needed
        with Api(stack.config.port, person["token"]) as api:
            assert api.request("POST", "/api/v1/posts", {"body": "Back again"})[0] == 201
        logs = "".join((stack.state / "logs" / f"{name}.log").read_text() for name in ("web-1", "jobs"))
        assert "Database unavailable:" in logs and "database unavailable" in logs
        assert "Traceback" not in logs  # one line per failure, no stack traces
    finally:
        if not private_postgres.running():
            private_postgres.start()
        stack.stop()
        queue.stop()


def api_message() -> str:
    """The 503 message the API gives while the database is away."""
    from app.errors import UNAVAILABLE_MESSAGE

    return UNAVAILABLE_MESSAGE


def test_smtp_down_mail_waits_and_goes_when_the_relay_returns(shared_stack):
    stack = shared_stack.stack
    people = shared_stack.take(3)
    browser = Browser(stack.url)
    for person in people:  # the relay is down: people still get the "check your email" page
        status, page = browser.submit("/forgot-password", {"email": person["email"]})
        assert status == 200 and "email" in page.lower()
    engine = create_engine(stack.env["DATABASE_URL"])
    query = text(
        "SELECT to_address, status, attempts, last_error FROM outgoing_emails WHERE to_address IN :to"
    ).bindparams(bindparam("to", expanding=True))
    try:
        with engine.connect() as conn:
            waiting = list(conn.execute(query, {"to": [p["email"] for p in people]}))
        assert sorted(r.to_address for r in waiting) == sorted(p["email"] for p in people)
        assert all(
            r.status == "pending" and r.attempts >= 1 and "refused" in r.last_error.lower() for r in waiting
        )

        with smtp_server(shared_stack.smtp_port) as inbox:
            started = time.monotonic()
            wait_for(lambda: len(inbox.messages) >= 3, 30, "the jobs worker to deliver the queued mail")
            print(
                f"\nsmtp back: 3 queued messages delivered {time.monotonic() - started:.1f}s after the relay returned"
            )
            time.sleep(1.5)  # a few more passes: nothing is sent twice
        assert sorted(m["To"] for m in inbox.messages) == sorted(p["email"] for p in people)
        assert len({m["Message-ID"] for m in inbox.messages}) == 3
        with engine.connect() as conn:
            assert {r.status for r in conn.execute(query, {"to": [p["email"] for p in people]})} == {"sent"}
    finally:
        engine.dispose()
