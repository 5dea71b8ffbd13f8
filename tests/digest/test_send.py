"""Sending: a real SMTP server on loopback receives both parts and the unsubscribe headers; a send is
idempotent per person and period; a run that fails part-way (the relay, or the process) resumes."""

import re
from email.message import EmailMessage
from html.parser import HTMLParser

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app import jobs
from app.digest import send as send_module
from app.extensions import db
from app.models import DigestItem, DigestPreference, DigestRun, DigestSend, OutgoingEmail
from deploy.processes import free_port
from tests import factories
from tests.digest.helpers import MONDAY, opt_in, post, send
from tests.test_mail_outbox import make_due, smtp_server


class Flaky:
    """An SMTP handler that accepts `accept` messages, then answers 451 to every later one."""

    def __init__(self, accept: int) -> None:
        self.accept = accept
        self.messages: list[EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if len(self.messages) >= self.accept:
            return "451 4.3.0 Mailbox temporarily unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(app):
    """The app pointed at a loopback SMTP port (nobody listening until a test starts a server)."""
    port = free_port()
    keys = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS")
    saved = {k: app.config[k] for k in keys}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
    yield port
    app.config.update(saved)


def people(app, count: int) -> list:
    """Opted-in members, each with something new to read (All staff posts by someone else)."""
    with app.app_context():
        rows = [factories.make_user(name=f"Reader {n}") for n in range(count)]
        author = factories.make_user(name="Writer", role="comms")
        for row in rows:
            db.session.expunge(row)
        db.session.expunge(author)
    for row in rows:
        opt_in(app, row)
    post(app, author, "The new shift pattern starts in March")
    return rows


def parsed(message) -> tuple[str, str]:
    """The plain-text and HTML parts of a received digest."""
    from email import message_from_bytes
    from email.policy import default

    if not isinstance(message, EmailMessage):
        message = message_from_bytes(message.as_bytes(), policy=default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


class Outline(HTMLParser):
    """Headings, links (with their text) and the html lang of an HTML email."""

    def __init__(self) -> None:
        super().__init__()
        self.lang, self.headings, self.links, self._open = None, [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag in ("h1", "h2", "h3", "a"):
            self._open.append([tag, attrs.get("href"), ""])

    def handle_data(self, data):
        for item in self._open:
            item[2] += data

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            kind, href, text = self._open.pop()
            if kind == "a":
                self.links.append((href, text.strip()))
            else:
                self.headings.append((kind, text.strip()))


def test_a_digest_arrives_over_smtp_with_both_parts_and_a_working_one_click_unsubscribe(app, smtp, client):
    [reader] = people(app, 1)
    with smtp_server(smtp) as inbox:
        assert send(app).sent == 1
    [message] = inbox.messages
    assert message["To"] == reader.email and "weekly" in message["Subject"]
    assert message.get_content_type() == "multipart/alternative"
    text, html = parsed(message)
    assert "The new shift pattern starts in March" in text and "Unsubscribe from the digest:" in text
    outline = Outline()
    outline.feed(html)
    assert outline.lang == "en-GB"
    assert [h[0] for h in outline.headings][:3] == ["h1", "h2", "h3"]  # in order, none skipped
    assert ("h2", "Conversations you missed in your communities") in outline.headings
    assert all(text and text.lower() not in ("here", "click here", "link") for _href, text in outline.links)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(.+)>", message["List-Unsubscribe"]).group(1)
    assert url in text and url in html.replace("&amp;", "&")
    path = url.removeprefix(app.config["BASE_URL"])
    answer = client.post(path, data={"List-Unsubscribe": "One-Click"})  # what a mail client sends (RFC 8058)
    assert answer.status_code == 200 and b"unsubscribed" in answer.data
    with app.app_context():
        assert db.session.get(DigestPreference, reader.id).frequency == "off"
    assert send(app).sent == 0


def test_running_twice_sends_nothing_twice(app, smtp):
    people(app, 3)
    with smtp_server(smtp) as inbox:
        first, second = send(app), send(app)
    assert (first.sent, second.sent, second.already) == (3, 0, 3)
    assert len(inbox.messages) == 3 and len({m["To"] for m in inbox.messages}) == 3
    with app.app_context():
        assert db.session.scalar(select(DigestRun.finished_at)) is not None
        sends = db.session.scalars(select(DigestSend)).all()
        assert len(sends) == 3 and all(s.email_id for s in sends)


def test_a_relay_failing_mid_run_is_retried_by_the_outbox_and_nobody_gets_two(app, smtp):
    readers = people(app, 5)
    handler = Flaky(accept=2)
    controller = Controller(handler, hostname="127.0.0.1", port=smtp)
    controller.start()
    try:
        assert send(app).sent == 5  # all recorded; three wait in the outbox
        with app.app_context():
            statuses = db.session.scalars(select(OutgoingEmail.status).order_by(OutgoingEmail.id)).all()
        assert statuses == ["sent", "sent", "pending", "pending", "pending"]
        assert send(app).sent == 0  # a re-run doesn't queue them again
        handler.accept = 100  # the relay recovers
        make_due(app)
        assert jobs.tick(app)["deliver_mail"] == 3
    finally:
        controller.stop()
    assert sorted(m["To"] for m in handler.messages) == sorted(r.email for r in readers)


def test_a_run_that_dies_part_way_resumes_where_it_stopped(app, smtp, monkeypatch):
    readers = people(app, 4)
    real, calls = send_module._queue, []

    def dies_on_the_third(digest):
        calls.append(digest.user.id)
        if len(calls) == 3:
            raise OperationalError("INSERT", {}, Exception("database went away"))
        return real(digest)

    monkeypatch.setattr(send_module, "_queue", dies_on_the_third)
    with smtp_server(smtp) as inbox:
        with pytest.raises(OperationalError):
            send(app)
        with app.app_context():
            assert (
                db.session.scalar(select(DigestRun.finished_at)) is None
            )  # not finished: the job tries again
            assert db.session.query(DigestSend).count() == 2
        monkeypatch.setattr(send_module, "_queue", real)
        report = send(app)
    assert (report.sent, report.already) == (2, 2)
    assert sorted(m["To"] for m in inbox.messages) == sorted(r.email for r in readers)
    with app.app_context():
        assert db.session.query(DigestItem).count() == 4  # one post each, recorded once


def test_one_persons_failure_doesnt_stop_the_others(app, monkeypatch):
    readers = people(app, 3)
    real = send_module.build_digest

    def broken_for_one(user, *args):
        if user.id == readers[1].id:
            raise ValueError("a template problem")
        return real(user, *args)

    monkeypatch.setattr(send_module, "build_digest", broken_for_one)
    report = send(app)
    assert (report.sent, report.failed) == (2, 1)
    with app.app_context():
        assert db.session.scalar(select(DigestRun.finished_at)) is None
    monkeypatch.setattr(send_module, "build_digest", real)
    assert send(app).sent == 1


def test_the_cli_dry_run_shows_who_would_get_what_and_sends_nothing(app, runner):
    people(app, 2)
    result = runner.invoke(args=["digest", "send", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.count("would send to") == 2 and "0 sessions, 1 conversations" in result.output
    with app.app_context():
        assert db.session.query(DigestSend).count() == 0 and db.session.query(OutgoingEmail).count() == 0
        assert db.session.query(DigestRun).count() == 0
    result = runner.invoke(args=["digest", "send", "--period", "weekly"])
    assert result.exit_code == 0 and ": sent 2, already sent 0" in result.output
    assert ": sent 0, already sent 2" in runner.invoke(args=["digest", "send"]).output


def test_the_jobs_worker_sends_when_due_and_then_leaves_the_finished_run_alone(app, clock, count_queries):
    people(app, 2)
    clock(MONDAY.replace(hour=6))  # 06:00 in London: not yet
    with app.app_context():
        assert jobs.TASKS["digest"]() == 0
    clock(MONDAY)
    assert jobs.tick(app)["digest"] == 2
    with count_queries() as n:
        assert jobs.tick(app)["digest"] == 0
    assert n() < 40  # the finished run is skipped, not rebuilt for everyone (the other tasks run too)
    with app.app_context():
        assert db.session.get(DigestRun, "weekly:2026-W03").sent == 2


def test_the_worker_resumes_an_unfinished_run_after_a_pause(app, clock, monkeypatch):
    from datetime import timedelta

    readers = people(app, 2)
    real = send_module.build_digest

    def broken_for_one(user, *args):
        if user.id == readers[0].id:
            raise ValueError("a template problem")
        return real(user, *args)

    monkeypatch.setattr(send_module, "build_digest", broken_for_one)
    clock(MONDAY)
    assert jobs.tick(app)["digest"] == 1
    monkeypatch.setattr(send_module, "build_digest", real)
    clock(MONDAY + timedelta(minutes=5))
    assert jobs.tick(app)["digest"] == 0  # tried lately: not every pass
    clock(MONDAY + timedelta(minutes=11))
    assert jobs.tick(app)["digest"] == 1
    with app.app_context():
        run = db.session.get(DigestRun, "weekly:2026-W03")
        assert run.finished_at is not None and run.sent == 2
