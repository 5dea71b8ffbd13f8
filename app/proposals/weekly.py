"""The weekly "ready for review" list: once per ISO week, each comms officer is told what is waiting."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.communities.services import insert_once
from app.db import writing
from app.extensions import db
from app.jobs import task
from app.models import ProposalReviewDigest, User, utcnow
from app.notifications.services import notify
from app.proposals.queries import ready_for_review

SEND_FROM = time(7, 0)  # Mondays from 07:00 UTC; a worker that was down sends at its next pass that week
LISTED = 10  # proposals named in the notification; the page lists them all


def iso_week(now: datetime) -> str:
    """The ISO week key, e.g. "2026-W49"."""
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"


def _week_started(now: datetime) -> bool:
    monday = (now - timedelta(days=now.weekday())).date()
    return now >= datetime.combine(monday, SEND_FROM, tzinfo=now.tzinfo)


def comms_team() -> list[User]:
    """Active comms officers and admins, who run the pipeline."""
    return list(
        db.session.scalars(
            select(User).where(
                User.role.in_(("comms", "admin")),
                User.deactivated_at.is_(None),
                User.email_confirmed_at.is_not(None),
            )
        )
    )


def send_weekly_review(now: datetime | None = None) -> int:
    """Tell each comms officer what is ready for review, once per ISO week; returns how many were told.

    Idempotent: the week's row is inserted first (ON CONFLICT DO NOTHING), so a second pass, or a
    second worker, in the same week does nothing. Each person sees only proposals they may see.
    """
    now = now or utcnow()
    if not _week_started(now):
        return 0
    week = iso_week(now)
    with writing():
        if not insert_once(ProposalReviewDigest, week=week, created_at=now):
            db.session.rollback()
            return 0
        told, waiting = 0, set()
        for person in comms_team():
            proposals, cards = ready_for_review(person)
            if not proposals:
                continue
            waiting.update(p.id for p in proposals)
            notify(
                person,
                "proposal_review_weekly",
                week=week,
                count=len(proposals),
                in_review=sum(1 for p in proposals if p.stage == "review"),
                needs_signoff=sum(1 for p in proposals if p.sensitive and not p.signed_off),
                proposals=[
                    {
                        "id": p.id,
                        "stage": p.stage,
                        "channel": p.channel.name,
                        "endorsements": cards.endorsements(p),
                    }
                    for p in proposals[:LISTED]
                ],
            )
            told += 1
        digest = db.session.get(ProposalReviewDigest, week)
        digest.proposal_count, digest.recipient_count = len(waiting), told
        db.session.commit()
    return told


@task("proposals_weekly_review")
def weekly_review() -> int:
    """Job: the weekly "ready for review" notification for the comms team."""
    return send_weekly_review()
