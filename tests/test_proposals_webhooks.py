"""The publishing webhook against a real HTTP server on loopback (allow-listed): the signature checked
the way a receiver would, retries with back-off, redirects not followed, a timeout, a size cap, and
addresses inside our own network refused unless allow-listed."""

import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from app.extensions import db
from app.jobs import TASKS, tick
from app.models import User, WebhookDelivery, utcnow
from app.proposals import safe_http, stages, webhooks
from tests.proposal_helpers import GOOD, act, channels_fixture, make_proposal  # noqa: F401

SECRET = "a-very-long-shared-secret-for-tests"


class Receiver:
    """A real HTTP server on 127.0.0.1 that records what it was sent and answers as scripted."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: list[tuple[int, dict, bytes]] = []
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length", 0))
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)}
                )
                if receiver.delay:
                    time.sleep(receiver.delay)
                status, headers, body = receiver.answers.pop(0) if receiver.answers else (204, {}, b"")
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (the timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/rollcall"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    """The receiving end, closed after the test."""
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def allow_loopback(app, monkeypatch):
    """Allow-list 127.0.0.1 (as an operator would for a publishing tool on the same host)."""
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWLIST", ["127.0.0.1"])
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT", 2.0)


def _configure(app, admin: User, url: str) -> None:
    with app.app_context():
        webhooks.save_endpoint(db.session.get(User, admin.id), url, SECRET, True)
        db.session.commit()


def _approve(app, member, comms, channels) -> int:
    proposal_id = make_proposal(app, member, channels["x"])
    act(app, proposal_id, comms, stages.move, "review")
    act(app, proposal_id, comms, stages.move, "approved")
    return proposal_id


def _delivery(app) -> WebhookDelivery:
    with app.app_context():
        row = db.session.scalar(select(WebhookDelivery).order_by(WebhookDelivery.id.desc()))
        db.session.expunge(row)
        return row


def _send(app, now=None) -> int:
    with app.app_context():
        return webhooks.send_due(now)


def verify(headers: dict, body: bytes, secret: str = SECRET, tolerance: int = 300) -> bool:
    """What a receiver does: recompute the signature over timestamp + "." + body, in constant time."""
    timestamp = headers["X-Rollcall-Timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    expected = (
        "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    )
    return hmac.compare_digest(expected, headers["X-Rollcall-Signature"])


def test_an_approval_is_delivered_signed_and_the_receiver_can_verify_it(
    app, admin, member, comms, channels, receiver, allow_loopback
):
    _configure(app, admin, receiver.url)
    proposal_id = _approve(app, member, comms, channels)
    assert _send(app) == 1
    [request] = receiver.requests
    assert request["path"] == "/hooks/rollcall"
    headers, body = request["headers"], request["body"]
    assert verify(headers, body)
    assert not verify(headers, body + b" ")  # any change to the body breaks it
    assert not verify(headers, body, secret="the-wrong-secret-entirely")
    assert (
        headers["X-Rollcall-Event"] == "proposal.approved" and headers["Content-Type"] == "application/json"
    )
    payload = json.loads(body)
    assert payload["event"] == "proposal.approved"
    assert payload["proposal"]["id"] == proposal_id and payload["proposal"]["text"] == GOOD["draft"]
    assert payload["proposal"]["channel"]["slug"] == "x" and payload["proposal"]["stage"] == "approved"
    assert payload["proposal"]["buy_in"] == {"endorsements": 0, "leader_endorsed": False, "units": 0}
    delivery = _delivery(app)
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("sent", 1, 204)
    assert body == delivery.body.encode()  # the exact bytes that were stored
    assert _send(app) == 0  # sent once


def test_a_failing_receiver_is_retried_with_back_off_then_marked_failed(
    app, admin, member, comms, channels, receiver, allow_loopback
):
    _configure(app, admin, receiver.url)
    _approve(app, member, comms, channels)
    receiver.answers = [(500, {}, b"down")] * 10
    now = utcnow()
    assert _send(app, now) == 1
    delivery = _delivery(app)
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert delivery.next_attempt_at == now + timedelta(seconds=webhooks.RETRY_DELAYS[0])
    assert _send(app, now + timedelta(seconds=30)) == 0  # not due yet
    for delay in webhooks.RETRY_DELAYS:
        now += timedelta(seconds=delay)
        assert _send(app, now) == 1
    delivery = _delivery(app)
    assert (delivery.status, delivery.attempts) == ("failed", webhooks.MAX_ATTEMPTS)
    assert len(receiver.requests) == webhooks.MAX_ATTEMPTS
    assert {r["body"] for r in receiver.requests} == {delivery.body.encode()}  # every retry, the same bytes
    assert all(verify(r["headers"], r["body"], tolerance=10**6) for r in receiver.requests)


def test_a_retry_that_succeeds_is_sent(app, admin, member, comms, channels, receiver, allow_loopback):
    _configure(app, admin, receiver.url)
    _approve(app, member, comms, channels)
    receiver.answers = [(503, {}, b"")]
    now = utcnow()
    _send(app, now)
    _send(app, now + timedelta(seconds=61))
    assert _delivery(app).status == "sent" and len(receiver.requests) == 2


def test_redirects_are_not_followed(app, admin, member, comms, channels, receiver, allow_loopback):
    _configure(app, admin, receiver.url)
    _approve(app, member, comms, channels)
    elsewhere = receiver.url.replace("/hooks/rollcall", "/elsewhere")
    receiver.answers = [(302, {"Location": elsewhere}, b"")]
    _send(app)
    delivery = _delivery(app)
    assert delivery.last_status == 302 and "redirects aren't followed" in delivery.last_error
    assert [r["path"] for r in receiver.requests] == ["/hooks/rollcall"]


def test_a_slow_receiver_times_out(
    app, admin, member, comms, channels, receiver, allow_loopback, monkeypatch
):
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT", 0.3)
    _configure(app, admin, receiver.url)
    _approve(app, member, comms, channels)
    receiver.delay = 1.5
    started = time.monotonic()
    _send(app)
    assert time.monotonic() - started < 1.4
    delivery = _delivery(app)
    assert delivery.status == "pending" and "timed out" in delivery.last_error.lower()


def test_a_huge_answer_is_read_only_up_to_the_cap(
    app, admin, member, comms, channels, receiver, allow_loopback
):
    _configure(app, admin, receiver.url)
    _approve(app, member, comms, channels)
    receiver.answers = [(200, {}, b"x" * (2 * 1024 * 1024))]
    answer = safe_http.post(receiver.url, b"{}", {}, ["127.0.0.1"], 2.0)
    assert answer.status == 200 and len(answer.body) == safe_http.MAX_RESPONSE
    with pytest.raises(safe_http.UnsafeTarget):
        safe_http.post(receiver.url, b"x" * (safe_http.MAX_BODY + 1), {}, ["127.0.0.1"], 2.0)


def test_loopback_is_refused_at_send_time_unless_allow_listed(
    app, admin, member, comms, channels, receiver, monkeypatch
):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWLIST", ["127.0.0.1"])
    _configure(app, admin, receiver.url)  # allowed when it was saved...
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWLIST", [])  # ...but not any more
    _approve(app, member, comms, channels)
    _send(app)
    delivery = _delivery(app)
    assert "private network" in delivery.last_error and receiver.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://93.184.216.34/",
        "gopher://93.184.216.34/",
        "http://127.0.0.1/",
        "http://localhost/",
        "http://[::1]/",
        "http://10.1.2.3/",
        "http://192.168.0.10/",
        "http://172.16.5.4/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
        "http://[::ffff:127.0.0.1]/",
        "http://100.64.0.1/",
        "http://user:pass@93.184.216.34/",
        "http://93.184.216.34:99999/",
        "http:///nohost",
        "http://no-such-host.invalid/",
    ],
)
def test_unsafe_targets_are_refused(url):
    with pytest.raises(safe_http.UnsafeTarget):
        safe_http.check_target(url, [])


def test_public_and_allow_listed_targets_are_accepted():
    assert safe_http.check_target("https://93.184.216.34/hook?x=1", []).path == "/hook?x=1"
    assert safe_http.check_target("http://127.0.0.1:8080/", ["127.0.0.0/8"]).ip == "127.0.0.1"
    assert safe_http.check_target("http://localhost:8080/", ["localhost"]).port == 8080
    with pytest.raises(safe_http.UnsafeTarget):
        safe_http.check_target("http://10.0.0.1/", ["127.0.0.0/8"])


def test_one_worker_claims_a_delivery(app, admin, member, comms, channels, receiver, allow_loopback):
    _configure(app, admin, receiver.url)
    _approve(app, member, comms, channels)
    delivery, now = _delivery(app), utcnow()
    with app.app_context():
        assert webhooks._claim(delivery, now) is True
        assert webhooks._claim(delivery, now) is False  # the second worker sees it was taken


def test_the_job_runner_sends_them(app, admin, member, comms, channels, receiver, allow_loopback):
    assert "proposal_webhooks" in TASKS
    _configure(app, admin, receiver.url)
    _approve(app, member, comms, channels)
    results = tick(app)
    assert results["proposal_webhooks"] == 1 and len(receiver.requests) == 1


def test_nothing_is_queued_while_the_webhook_is_off_and_ping_tests_it(
    app, admin, member, comms, channels, receiver, allow_loopback
):
    _approve(app, member, comms, channels)
    with app.app_context():
        assert db.session.scalar(select(WebhookDelivery)) is None
    _configure(app, admin, receiver.url)
    with app.app_context():
        assert webhooks.enqueue_ping(db.session.get(User, admin.id)) is not None
        db.session.commit()
    _send(app)
    [request] = receiver.requests
    assert request["headers"]["X-Rollcall-Event"] == "ping" and verify(request["headers"], request["body"])


def test_scheduling_sends_the_time_too(app, admin, member, comms, channels, receiver, allow_loopback):
    from datetime import UTC, datetime

    _configure(app, admin, receiver.url)
    proposal_id = _approve(app, member, comms, channels)
    act(
        app,
        proposal_id,
        comms,
        stages.move,
        "scheduled",
        scheduled_for=datetime(2026, 12, 4, 9, 30, tzinfo=UTC),
    )
    _send(app)
    events = [json.loads(r["body"]) for r in receiver.requests]
    assert [e["event"] for e in events] == ["proposal.approved", "proposal.scheduled"]
    assert events[1]["proposal"]["scheduled_for"] == "2026-12-04T09:30:00+00:00"


def test_saving_the_endpoint_checks_it(app, ctx, admin, comms):
    from app.errors import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        webhooks.save_endpoint(db.session.get(User, comms.id), "https://93.184.216.34/", SECRET, True)
    me = db.session.get(User, admin.id)
    with pytest.raises(ValidationError) as exc:
        webhooks.save_endpoint(me, "https://93.184.216.34/", "short", True)
    assert "secret" in exc.value.fields
    with pytest.raises(ValidationError):
        webhooks.save_endpoint(me, "", "", True)
    row, generated = webhooks.save_endpoint(me, "https://93.184.216.34/", "", True, generate=True)
    assert len(generated) >= 32 and row.secret == generated and row.enabled
