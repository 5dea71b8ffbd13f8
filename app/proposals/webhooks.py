"""The optional publishing webhook: approved text, signed, sent by the job runner with retries.

Each delivery's body is stored when it is queued, so every attempt sends the same bytes. Headers:
X-Rollcall-Event, X-Rollcall-Delivery, X-Rollcall-Timestamp (Unix seconds) and X-Rollcall-Signature:
"sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body). A receiver recomputes it, compares in
constant time and refuses timestamps more than five minutes old.
"""

import hashlib
import hmac
import json
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from app import audit
from app.db import writing
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.forms import clean_text
from app.jobs import task
from app.models import Proposal, User, WebhookDelivery, WebhookEndpoint, utcnow
from app.permissions import is_admin
from app.proposals import counting, safe_http
from app.proposals.buyin import buy_in

# Seconds to wait after each failed attempt; after the last, the delivery is marked failed.
RETRY_DELAYS = (60, 300, 1_800, 7_200, 43_200)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
LEASE = timedelta(minutes=2)  # a claimed delivery is invisible to other workers this long
BATCH = 20


def endpoint() -> WebhookEndpoint | None:
    """The configured endpoint, if any."""
    return db.session.scalar(select(WebhookEndpoint).order_by(WebhookEndpoint.id).limit(1))


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for a body sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def save_endpoint(
    actor: User, url: str, secret: str, enabled: bool, generate: bool = False
) -> tuple[WebhookEndpoint, str]:
    """Admins set the address and secret; returns the endpoint and a newly generated secret (or '')."""
    if not is_admin(actor):
        raise PermissionDenied("Only admins can configure the publishing webhook.")
    url, secret = clean_text(url), (secret or "").strip()
    row = endpoint() or WebhookEndpoint()
    errors: dict[str, str] = {}
    new_secret = secrets.token_urlsafe(32) if generate else ""
    if len(url) > 500:
        errors["url"] = "Keep the address under 500 characters."
    elif url:
        try:
            safe_http.check_target(url, current_app.config["WEBHOOK_ALLOWLIST"])
        except safe_http.UnsafeTarget as exc:
            errors["url"] = str(exc)
    elif enabled:
        errors["url"] = "Give the address of your publishing tool's webhook."
    if secret and not new_secret and not 16 <= len(secret) <= 200:
        errors["secret"] = "Use a secret of 16 to 200 characters (or generate one)."
    if enabled and not (secret or new_secret or row.secret):
        errors["secret"] = "Set a secret so the receiver can check each delivery is from us."
    if errors:
        raise ValidationError(errors)
    row.url, row.enabled = url, enabled
    if new_secret or secret:
        row.secret = new_secret or secret
    row.updated_by_id, row.updated_at = actor.id, utcnow()
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor,
        "webhook.updated",
        "webhook_endpoint",
        row.id,
        url=url,
        enabled=enabled,
        new_secret=bool(new_secret or secret),
    )
    return row, new_secret


def payload(proposal: Proposal, event: str) -> dict:
    """What the publishing tool receives: the final text for its channel and the buy-in behind it."""
    support = buy_in(proposal.proposer, proposal)
    base = current_app.config["BASE_URL"]
    return {
        "event": event,
        "created_at": utcnow().isoformat(),
        "proposal": {
            "id": proposal.id,
            "url": f"{base}/proposals/{proposal.id}",
            "stage": proposal.stage,
            "channel": {
                "slug": proposal.channel.slug,
                "name": proposal.channel.name,
                "char_limit": proposal.channel.char_limit,
                "counting": proposal.channel.counting,
            },
            "text": proposal.draft,
            "length": counting.count(proposal.draft, proposal.channel.counting),
            "has_image": proposal.has_image,
            "alt_text": proposal.alt_text,
            "objective": proposal.objective.name if proposal.objective else None,
            "scheduled_for": proposal.scheduled_for.isoformat() if proposal.scheduled_for else None,
            "version": proposal.version,
            "buy_in": {
                "endorsements": support.total,
                "leader_endorsed": support.leader_endorsed,
                "units": len(support.by_unit),
            },
        },
    }


def _queue(event: str, body: dict, proposal_id: int | None) -> WebhookDelivery | None:
    row = endpoint()
    if row is None or not row.enabled or not row.url:
        return None
    delivery = WebhookDelivery(
        proposal_id=proposal_id, event=event, body=json.dumps(body, separators=(",", ":"), sort_keys=True)
    )
    db.session.add(delivery)
    db.session.flush()
    return delivery


def enqueue(proposal: Proposal, event: str) -> WebhookDelivery | None:
    """Queue a delivery for a proposal (in the transaction that approved it); None if no webhook is on."""
    return _queue(event, payload(proposal, event), proposal.id)


def enqueue_ping(actor: User) -> WebhookDelivery | None:
    """An admin's test delivery."""
    if not is_admin(actor):
        raise PermissionDenied("Only admins can send a test delivery.")
    return _queue("ping", {"event": "ping", "created_at": utcnow().isoformat(), "by": actor.name}, None)


def recent_deliveries(limit: int = 20) -> list[WebhookDelivery]:
    """The newest deliveries, for the admin page."""
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(limit)))


def _claim(delivery: WebhookDelivery, now: datetime) -> bool:
    """Take a due delivery for this worker (a conditional update: only one worker wins)."""
    with writing():
        won = db.session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery.id,
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at == delivery.next_attempt_at,
            )
            .values(next_attempt_at=now + LEASE),
            execution_options={"preserve_rowcount": True},
        ).rowcount
        db.session.commit()
    return won == 1


def _attempt(row: WebhookEndpoint, delivery: WebhookDelivery, now: datetime) -> tuple[int | None, str]:
    """Send once; (status, '') on a 2xx answer, else (status or None, what went wrong)."""
    body = delivery.body.encode()
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Rollcall-Webhook/1",
        "X-Rollcall-Event": delivery.event,
        "X-Rollcall-Delivery": str(delivery.id),
        "X-Rollcall-Timestamp": str(timestamp),
        "X-Rollcall-Signature": sign(row.secret, timestamp, body),
    }
    config = current_app.config
    try:
        answer = safe_http.post(
            row.url, body, headers, config["WEBHOOK_ALLOWLIST"], config["WEBHOOK_TIMEOUT"]
        )
    except safe_http.UnsafeTarget as exc:
        return None, str(exc)
    except OSError as exc:
        return None, f"Couldn't deliver: {exc.__class__.__name__}: {exc}"[:500]
    if 200 <= answer.status < 300:
        return answer.status, ""
    if 300 <= answer.status < 400:
        return (
            answer.status,
            f"Answered with a redirect ({answer.status}); redirects aren't followed: use the final address.",
        )
    return answer.status, f"Answered {answer.status}."


def send_due(now: datetime | None = None) -> int:
    """Send every delivery that is due (up to a batch); returns how many were attempted."""
    now = now or utcnow()
    due = list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(BATCH)
        )
    )
    row = endpoint()
    db.session.commit()  # end the read: no transaction stays open while we wait on the network
    attempted = 0
    for delivery in due:
        if row is None or not _claim(delivery, now):
            continue
        attempted += 1
        status, error = (
            _attempt(row, delivery, now) if row.enabled and row.url else (None, "The webhook is off.")
        )
        with writing():
            delivery = db.session.get(WebhookDelivery, delivery.id, populate_existing=True)
            delivery.attempts += 1
            delivery.last_status, delivery.last_error = status, error[:500]
            if not error:
                delivery.status, delivery.sent_at = "sent", now
            elif delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = "failed"
            else:
                delivery.next_attempt_at = now + timedelta(seconds=RETRY_DELAYS[delivery.attempts - 1])
            db.session.commit()
    return attempted


@task("proposal_webhooks")
def deliver_webhooks() -> int:
    """Job: send queued publishing-webhook deliveries, retrying with back-off."""
    return send_due()
