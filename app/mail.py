"""Outgoing mail through a durable outbox: nothing is lost when the mail server is down.

send_mail() renders the message and adds an `outgoing_emails` row to the current transaction, so
the invitation (or reset) and its email commit or roll back together. After the commit the message
is handed to the transport at once; if that fails, the job runner's `deliver_mail` task retries it
with exponential backoff until it goes. Transport: SMTP when MAIL_SERVER is set, otherwise `.eml`
files under instance/outbox/. Delivery is at least once: a crash between the server accepting a
message and us marking it sent means it is sent again (with the same Message-ID).
"""

import smtplib
import uuid
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import click
from flask import Flask, current_app, render_template
from flask.cli import AppGroup
from sqlalchemy import event as sa_event
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.db import writing
from app.errors import first_line
from app.extensions import db
from app.jobs import task
from app.models import OutgoingEmail, utcnow

_QUEUED = "rollcall_queued_mail"
BATCH = 100

mail_cli = AppGroup("mail", help="The outgoing mail queue.")


def send_mail(
    to: str, subject: str, template: str, *, html: bool = False, headers: dict | None = None, **context
) -> OutgoingEmail:
    """Render templates/email/<template>.txt (and .html with html=True) and queue it; it is delivered
    after the commit."""
    row = OutgoingEmail(
        message_id=make_msgid(domain="rollcall.local"),
        to_address=to,
        subject=subject,
        body=render_template(f"email/{template}.txt", **context),
        html_body=render_template(f"email/{template}.html", **context) if html else "",
        headers=dict(headers or {}),
    )
    session = db.session()
    session.add(row)
    session.flush()
    session.info.setdefault(_QUEUED, []).append(row.id)
    return row


def as_message(row: OutgoingEmail) -> EmailMessage:
    """The stored row as an email."""
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Date"] = format_datetime(row.created_at)
    msg["Message-ID"] = row.message_id
    for name, value in (row.headers or {}).items():
        msg[name] = value
    msg.set_content(row.body)
    if row.html_body:
        msg.add_alternative(row.html_body, subtype="html")
    if row.headers:
        # Fold headers only past RFC 5322's hard limit: the default (78) turns a long List-Unsubscribe
        # URL into RFC 2047 encoded words, which mail clients can't follow. The body is encoded already.
        msg.policy = msg.policy.clone(max_line_length=998)
    return msg


def transport(msg: EmailMessage) -> None:
    """Hand one message to SMTP, or write it to the outbox folder without a mail server."""
    config = current_app.config
    if config["MAIL_SERVER"]:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(msg)
        return
    outbox = Path(config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{msg['Date'][5:16].replace(' ', '-')}-{uuid.uuid4().hex[:12]}.eml"
    (outbox / name).write_bytes(bytes(msg))


def permanent(exc: Exception) -> bool:
    """True when the server refused the message itself (5xx): retrying would only be refused again.

    Anything else (connection refused, timeouts, 4xx, a wrong password) is worth retrying.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


def backoff(attempts: int) -> timedelta:
    """How long to wait after the given number of failed attempts: doubling, capped."""
    config = current_app.config
    seconds = config["MAIL_RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, config["MAIL_RETRY_MAX_SECONDS"]))


def _claim(session: Session, email_id: int) -> OutgoingEmail | None:
    """Take a due message for this attempt, or None if another process has it or it is not due.

    A conditional UPDATE (no SELECT ... FOR UPDATE on SQLite): whoever moves next_attempt_at first
    owns the attempt for a lease long enough for the SMTP timeout, after which a crash's message is due again.
    """
    now = utcnow()
    lease = timedelta(seconds=max(60.0, 3 * current_app.config["MAIL_TIMEOUT"]))
    claimed = session.execute(
        update(OutgoingEmail)
        .where(
            OutgoingEmail.id == email_id,
            OutgoingEmail.status == "pending",
            OutgoingEmail.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + lease, attempts=OutgoingEmail.attempts + 1)
    )
    row = session.get(OutgoingEmail, email_id) if claimed.rowcount == 1 else None
    session.commit()  # before talking to the mail server: on SQLite a transaction holds the write lock
    return row


def deliver(email_id: int) -> bool:
    """Try to send one queued message now; True if it went. Failures are recorded for the retry."""
    with writing(), Session(bind=db.engine, expire_on_commit=False) as session:
        row = _claim(session, email_id)
        if row is None:
            return False
        try:
            transport(as_message(row))
        except Exception as exc:  # noqa: BLE001 - every failure is recorded and retried (or marked failed)
            row.last_error = first_line(exc)[:500]
            if permanent(exc):
                row.status = "failed"
                current_app.logger.error("Mail to %s refused for good: %s", row.to_address, row.last_error)
            else:
                row.next_attempt_at = utcnow() + backoff(row.attempts)
                current_app.logger.warning(
                    "Mail to %s not sent (attempt %d), retrying: %s",
                    row.to_address,
                    row.attempts,
                    row.last_error,
                )
            session.commit()
            return False
        row.status, row.sent_at, row.last_error = "sent", utcnow(), ""
        session.commit()
        return True


@task("deliver_mail")
def deliver_due() -> int:
    """Send every queued message whose next attempt is due; returns how many went."""
    with Session(bind=db.engine) as session:
        due = list(
            session.scalars(
                select(OutgoingEmail.id)
                .where(OutgoingEmail.status == "pending", OutgoingEmail.next_attempt_at <= utcnow())
                .order_by(OutgoingEmail.id)
                .limit(BATCH)
            )
        )
    return sum(deliver(email_id) for email_id in due)


def status_counts() -> dict[str, int]:
    """How many messages are pending, sent and failed."""
    rows = db.session.execute(select(OutgoingEmail.status, func.count()).group_by(OutgoingEmail.status))
    return {"pending": 0, "sent": 0, "failed": 0, **dict(rows.all())}


@mail_cli.command("status")
def mail_status() -> None:
    """How much mail is waiting, sent and refused, and why the oldest waiting message hasn't gone."""
    counts = status_counts()
    click.echo(", ".join(f"{status}: {n}" for status, n in counts.items()))
    oldest = db.session.scalar(
        select(OutgoingEmail).where(OutgoingEmail.status == "pending").order_by(OutgoingEmail.id).limit(1)
    )
    if oldest is not None and oldest.attempts:
        click.echo(
            f"oldest waiting: queued {oldest.created_at:%Y-%m-%d %H:%M} UTC, {oldest.attempts} attempt(s), "
            f"next at {oldest.next_attempt_at:%H:%M:%S} UTC: {oldest.last_error}"
        )


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint, not the real commit
    for email_id in session.info.pop(_QUEUED, []):
        try:
            deliver(email_id)
        except Exception:  # noqa: BLE001 - the commit stands; the job runner delivers it later
            current_app.logger.exception("Could not attempt delivery of queued mail %s", email_id)


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # rolled back: those messages were never queued
        session.info.pop(_QUEUED, None)


def init_app(app: Flask) -> None:
    """Deliver queued mail right after the commit that queued it (once per process)."""
    from app.db import AppSession

    if not sa_event.contains(AppSession, "after_commit", _after_commit):
        sa_event.listen(AppSession, "after_commit", _after_commit)
        sa_event.listen(AppSession, "after_soft_rollback", _after_soft_rollback)
