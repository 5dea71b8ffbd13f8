"""The mail outbox: queued in the transaction, delivered after commit, retried with backoff, never lost.

A real SMTP server (aiosmtpd) on loopback plays the mail relay; "down" is a port nobody listens on.
"""

from contextlib import contextmanager
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import jobs, mail
from app.extensions import db
from app.models import OutgoingEmail, utcnow
from deploy.processes import free_port
from tests.browser.helpers import outbox_messages


class Inbox:
    """An aiosmtpd handler that keeps what it receives, or refuses every recipient with a code."""

    def __init__(self, refuse: str | None = None) -> None:
        self.messages = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(port: int, refuse: str | None = None):
    """A real SMTP server on 127.0.0.1:port for the duration of the block."""
    inbox = Inbox(refuse)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_config(app):
    """Point the app at a loopback SMTP port (down until a test starts a server), retries immediate."""
    port = free_port()
    saved = {
        k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_RETRY_BASE_SECONDS")
    }
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False, MAIL_RETRY_BASE_SECONDS=30)
    yield port
    app.config.update(saved)


def queue(app, count: int = 1, to: str = "ada@example.police.uk") -> list[int]:
    """Queue messages in a committed transaction (as a view does); returns their ids."""
    with app.test_request_context():
        ids = [
            mail.send_mail(to, f"Subject {n}", "reset", user=None, link=f"http://x/{n}").id
            for n in range(count)
        ]
        db.session.commit()
    return ids


def rows(app) -> list[OutgoingEmail]:
    """Every queued message, oldest first."""
    with app.app_context():
        return list(db.session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id)))


def make_due(app) -> None:
    """Skip the backoff wait: every pending message is due now."""
    with app.app_context():
        db.session.execute(update(OutgoingEmail).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def test_a_committed_message_goes_at_once_to_the_outbox_folder(app):
    [email_id] = queue(app, to="outbox.folder@example.police.uk")
    [row] = rows(app)
    assert (row.id, row.status, row.attempts, row.sent_at is not None) == (email_id, "sent", 1, True)
    [message] = outbox_messages(Path(app.config["OUTBOX_DIR"]), "outbox.folder@example.police.uk")
    assert message["Message-ID"] == row.message_id and message["Subject"] == "Subject 0"


def test_a_rolled_back_transaction_sends_nothing(app):
    with app.test_request_context():
        mail.send_mail("nobody@example.police.uk", "Never", "reset", user=None, link="http://x")
        db.session.rollback()
        db.session.commit()  # a later commit in the same session must not send it either
    assert rows(app) == []


def test_smtp_down_then_up_delivers_every_message_once(app, smtp_config):
    ids = queue(app, 5)
    pending = rows(app)
    assert [r.status for r in pending] == ["pending"] * 5  # the relay is down: all kept
    assert all(r.attempts == 1 and "refused" in r.last_error.lower() for r in pending), [
        r.last_error for r in pending
    ]
    assert all(r.next_attempt_at > utcnow() + timedelta(seconds=20) for r in pending)  # backed off

    assert jobs.tick(app)["deliver_mail"] == 0  # not due yet: nothing is tried early
    with smtp_server(smtp_config) as inbox:
        make_due(app)
        assert jobs.tick(app)["deliver_mail"] == 5
        assert jobs.tick(app)["deliver_mail"] == 0
    sent = rows(app)
    assert [r.status for r in sent] == ["sent"] * 5 and [r.attempts for r in sent] == [2] * 5
    assert sorted(m["Message-ID"] for m in inbox.messages) == sorted(r.message_id for r in sent)
    assert [r.id for r in sent] == ids


def test_each_failure_waits_twice_as_long_up_to_the_cap(app, smtp_config):
    queue(app)
    for expected in (60, 120, 240):
        make_due(app)
        jobs.tick(app)
        [row] = rows(app)
        wait = (row.next_attempt_at - utcnow()).total_seconds()
        assert expected - 5 < wait <= expected, (row.attempts, wait)
    with app.app_context():
        app.config["MAIL_RETRY_MAX_SECONDS"], saved = 100, app.config["MAIL_RETRY_MAX_SECONDS"]
        assert mail.backoff(20) == timedelta(seconds=100)
        app.config["MAIL_RETRY_MAX_SECONDS"] = saved


def test_a_recipient_refused_for_good_is_marked_failed_not_retried(app, smtp_config):
    with smtp_server(smtp_config, refuse="550 No such user here"):
        queue(app, to="gone@example.police.uk")
    [row] = rows(app)
    assert row.status == "failed" and "550" in row.last_error
    make_due(app)
    assert jobs.tick(app)["deliver_mail"] == 0


def test_a_temporary_refusal_is_retried(app, smtp_config):
    with smtp_server(smtp_config, refuse="451 Try again later"):
        queue(app)
    [row] = rows(app)
    assert row.status == "pending" and "451" in row.last_error


def test_only_one_process_takes_a_message(app, smtp_config):
    [email_id] = queue(app)  # pending: the relay is down
    make_due(app)
    with app.app_context():
        with Session(bind=db.engine) as other:  # another process claims it first
            assert mail._claim(other, email_id) is not None
        assert mail.deliver(email_id) is False  # leased to the other one: not sent twice
    [row] = rows(app)
    assert row.attempts == 2 and row.status == "pending"


def test_forgot_password_queues_and_sends_the_reset_mail(app, client, member):
    response = client.post("/forgot-password", data={"email": member.email})
    assert response.status_code == 200
    [row] = rows(app)
    assert row.to_address == member.email and row.status == "sent"


def test_mail_status_says_what_waits_and_why(app, runner, smtp_config):
    queue(app, 2)
    result = runner.invoke(args=["mail", "status"])
    assert result.exit_code == 0, result.output
    assert "pending: 2, sent: 0, failed: 0" in result.output
    assert "2 attempt" not in result.output and "1 attempt(s)" in result.output
