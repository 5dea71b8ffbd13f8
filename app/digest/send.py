"""Sending digests: `flask digest send`, and the jobs worker's scheduled pass.

Idempotent per person and period: each person's digest_sends row (unique per person and period key),
the digest_items it lists and its outbox message commit together, one person at a time. Running it
twice sends nothing twice; a run that stops part-way (a crash, the database going away) is resumed
by the next run, which skips everyone already sent; the outbox (app/mail.py) retries SMTP failures.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select, update

from app.communities.services import insert_once
from app.db import writing
from app.digest import periods
from app.digest.content import Digest, build_digest
from app.digest.preferences import recipients, unsubscribe_token
from app.errors import DATABASE_UNAVAILABLE
from app.extensions import db
from app.jobs import task
from app.learning.views import when_text
from app.mail import send_mail
from app.models import DigestItem, DigestRun, DigestSend, User, utcnow
from app.sanitize import plain_text

BATCH = 200
RETRY_UNFINISHED = timedelta(minutes=10)
digest_cli = AppGroup("digest", help="The email digest.")


@dataclass
class Report:
    """What a run did."""

    key: str
    sent: int = 0
    already: int = 0
    empty: int = 0
    failed: int = 0
    would_send: list[Digest] = field(default_factory=list)


def mail_context(digest: Digest, base: str) -> dict:
    """What the digest templates need (the email, and comms' preview with base="")."""
    return {
        "digest": digest,
        "base": base,
        "org_name": current_app.config["ORG_NAME"],
        "excerpt": plain_text,
        "when_text": when_text,
        "withheld": set(),
    }


def subject(digest: Digest) -> str:
    """ "Your weekly digest: 2 picks, 1 update and 3 conversations"."""
    parts = []
    for count, one, many in (
        (len(digest.editorial), "pick", "picks"),
        (len(digest.updates), "leadership update", "leadership updates"),
        (len(digest.sessions), "session", "sessions"),
        (len(digest.conversations), "conversation", "conversations"),
    ):
        if count:
            parts.append(f"{count} {one if count == 1 else many}")
    listed = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]
    return f"Your {digest.period} {current_app.config['ORG_NAME']} digest: {listed}"


def _queue(digest: Digest) -> bool:
    """Record the send and its items and queue the email, in the caller's transaction; False if this
    person's digest for the period was sent already (another run got there first)."""
    user = digest.user
    if not insert_once(
        DigestSend,
        user_id=user.id,
        period=digest.period,
        period_key=digest.key,
        item_count=digest.item_count,
        created_at=utcnow(),
    ):
        return False
    send_id = db.session.scalar(
        select(DigestSend.id).where(DigestSend.user_id == user.id, DigestSend.period_key == digest.key)
    )
    db.session.add_all(
        DigestItem(user_id=user.id, post_id=post_id, send_id=send_id, section=section)
        for section, post_id in digest.items()
    )
    base = current_app.config["BASE_URL"]
    unsubscribe_url = f"{base}/digest/unsubscribe/{unsubscribe_token(user)}"
    email = send_mail(
        user.email,
        subject(digest),
        "digest",
        html=True,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058 one-click
            "Auto-Submitted": "auto-generated",
        },
        unsubscribe_url=unsubscribe_url,
        preferences_url=f"{base}/digest/preferences",
        **mail_context(digest, base),
    )
    db.session.execute(update(DigestSend).where(DigestSend.id == send_id).values(email_id=email.id))
    return True


def send_digests(period: str, *, dry_run: bool = False, at: datetime | None = None) -> Report:
    """Build and send this period's digest to everyone who wants it and hasn't had it; see the module."""
    at = at or periods.now()
    key = periods.period_key(period, at)
    report = Report(key=key)
    with nullcontext() if dry_run else writing():
        if not dry_run:
            if not insert_once(DigestRun, period_key=key, started_at=at, sent=0):
                db.session.execute(update(DigestRun).where(DigestRun.period_key == key).values(started_at=at))
            db.session.commit()
        done = set(db.session.scalars(select(DigestSend.user_id).where(DigestSend.period_key == key)))
        after = 0
        while True:
            # Keyset pages of people: a long run never holds everyone in memory.
            batch = db.session.execute(recipients(period).where(User.id > after).limit(BATCH)).all()
            if not batch:
                break
            after = batch[-1][0].id
            for user, pref in batch:
                if user.id in done:
                    report.already += 1
                    continue
                _one(user, pref, period, at, dry_run, report)
        if not dry_run:
            done_now = {"finished_at": utcnow()} if not report.failed else {}
            db.session.execute(
                update(DigestRun)
                .where(DigestRun.period_key == key)
                .values(sent=DigestRun.sent + report.sent, **done_now)
            )
            db.session.commit()
    return report


def _one(user, pref, period: str, at: datetime, dry_run: bool, report: Report) -> None:
    try:
        digest = build_digest(user, period, pref, at)
        if digest.is_empty:
            report.empty += 1  # nothing new for them: no email (and a later run may still send one)
            db.session.commit()  # nothing written; ends the transaction without expiring the batch
            return
        if dry_run:
            report.would_send.append(digest)
            db.session.commit()
            return
        if _queue(digest):
            report.sent += 1
        else:
            report.already += 1
        db.session.commit()  # one person at a time: a failure later keeps what was sent
    except DATABASE_UNAVAILABLE:
        db.session.rollback()
        raise  # the run is resumed when the database is back
    except Exception:  # noqa: BLE001 - one person's problem must not stop everyone else's digest
        db.session.rollback()
        current_app.logger.exception("digest for user %s failed", user.id)
        report.failed += 1


@task("digest")
def scheduled_digests() -> int:
    """The jobs worker's pass: send each period's digest once it is due, unless that run finished."""
    at = periods.now()
    sent = 0
    for period in periods.PERIODS:
        if not periods.is_due(period, at):
            continue
        run = db.session.get(DigestRun, periods.period_key(period, at))
        if run is not None and (run.finished_at is not None or run.started_at > at - RETRY_UNFINISHED):
            continue  # done, or tried lately: an unfinished run is resumed every few minutes, not every pass
        sent += send_digests(period, at=at).sent
    return sent


@digest_cli.command("send")
@click.option("--period", type=click.Choice(periods.PERIODS), default="weekly", show_default=True)
@click.option("--dry-run", is_flag=True, help="Show who would get what; send and record nothing.")
def digest_send(period: str, dry_run: bool) -> None:
    """Send this period's digest to everyone who opted in and hasn't had it yet (safe to re-run)."""
    report = send_digests(period, dry_run=dry_run)
    for digest in report.would_send:
        click.echo(
            f"would send to {digest.user.email}: {len(digest.editorial)} picks, {len(digest.updates)} updates, "
            f"{len(digest.sessions)} sessions, {len(digest.conversations)} conversations"
        )
    verb = "would send" if dry_run else "sent"
    click.echo(
        f"{report.key}: {verb} {len(report.would_send) if dry_run else report.sent}, "
        f"already sent {report.already}, nothing new for {report.empty}, failed {report.failed}"
    )
    if report.failed:
        raise SystemExit(1)
