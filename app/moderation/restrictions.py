"""Strikes and posting restrictions: repeat strikes within a window suggest a pause on posting, which a
moderator may apply; a restricted person can't post or reply until it ends."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app import audit
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import MAX_ID, clean_text
from app.models import Community, Decision, PostingRestriction, Strike, User, utcnow
from app.moderation import notices
from app.permissions import is_moderator
from app.posts import screening

MAX_REASON = 1000


def strike_window() -> timedelta:
    """How far back strikes count towards a restriction."""
    return timedelta(days=current_app.config["MODERATION_STRIKE_WINDOW_DAYS"])


def active_strikes(user: User) -> list[Strike]:
    """The person's strikes within the window that no appeal has voided."""
    since = utcnow() - strike_window()
    return list(
        db.session.scalars(
            select(Strike)
            .where(Strike.user_id == user.id, Strike.voided_at.is_(None), Strike.created_at >= since)
            .order_by(Strike.id)
        )
    )


def active_restriction(user_id: int) -> PostingRestriction | None:
    """The restriction in force for the person now, if any (the one ending last)."""
    now = utcnow()
    return db.session.scalar(
        select(PostingRestriction)
        .where(
            PostingRestriction.user_id == user_id,
            PostingRestriction.lifted_at.is_(None),
            PostingRestriction.starts_at <= now,
            PostingRestriction.ends_at > now,
        )
        .order_by(PostingRestriction.ends_at.desc())
        .limit(1)
    )


def suggestion(user: User) -> dict | None:
    """{"strikes": n, "days": d} when repeat strikes suggest a restriction and none is in force."""
    strikes = active_strikes(user)
    if len(strikes) < current_app.config["MODERATION_STRIKES_FOR_RESTRICTION"]:
        return None
    if active_restriction(user.id) is not None:
        return None
    return {"strikes": len(strikes), "days": current_app.config["MODERATION_RESTRICTION_DAYS"]}


def record_strike(decision: Decision) -> Strike:
    """A deliberate or serious decision counts against its author."""
    strike = Strike(user_id=decision.case.author_id, decision_id=decision.id)
    db.session.add(strike)
    db.session.flush()
    audit.record(
        decision.moderator, "moderation.strike_recorded", "user", strike.user_id, decision_id=decision.id
    )
    return strike


def restrict(
    moderator: User, user: User, days: int | None, reason: str, decision: Decision | None = None
) -> PostingRestriction:
    """Stop a person posting and replying for a number of days (1 to the configured maximum)."""
    if not is_moderator(moderator):
        raise PermissionDenied("Only moderators can restrict posting.")
    reason = clean_text(reason, multiline=True)
    longest = current_app.config["MODERATION_MAX_RESTRICTION_DAYS"]
    errors: dict[str, str] = {}
    if days is None or not 1 <= days <= longest:
        errors["days"] = f"Choose between 1 and {longest} days."
    if not reason:
        errors["reason"] = "Say why: the person sees this."
    elif len(reason) > MAX_REASON:
        errors["reason"] = f"Keep it to {MAX_REASON} characters."
    if user.id == moderator.id:
        errors["form"] = "You can't restrict yourself."
    if errors:
        raise ValidationError(errors)
    now = utcnow()
    restriction = PostingRestriction(
        user_id=user.id,
        decision_id=decision.id if decision else None,
        starts_at=now,
        ends_at=now + timedelta(days=days),
        reason=reason,
        created_by_id=moderator.id,
    )
    db.session.add(restriction)
    db.session.flush()
    audit.record(
        moderator, "moderation.restricted", "user", user.id, reason, days=days, restriction_id=restriction.id
    )
    notices.restricted(restriction)
    return restriction


def get_restriction(restriction_id: int) -> PostingRestriction:
    """A restriction by id; NotFound otherwise."""
    row = db.session.get(PostingRestriction, restriction_id) if 0 < restriction_id <= MAX_ID else None
    if row is None:
        raise NotFound("We couldn't find that restriction.")
    return row


def lift(moderator: User, restriction: PostingRestriction, reason: str = "") -> None:
    """End a restriction early."""
    if not is_moderator(moderator):
        raise PermissionDenied("Only moderators can lift a restriction.")
    if restriction.lifted_at is not None:
        return
    restriction.lifted_at, restriction.lifted_by_id = utcnow(), moderator.id
    db.session.flush()
    audit.record(
        moderator,
        "moderation.restriction_lifted",
        "user",
        restriction.user_id,
        clean_text(reason),
        restriction_id=restriction.id,
    )


def restriction_message(restriction: PostingRestriction) -> str:
    """What a restricted person is told when they try to post."""
    return (
        f"You can't post or reply until {restriction.ends_at.strftime('%-d %b %Y, %H:%M UTC')}: "
        "a moderator has paused your posting "
        f"({restriction.reason}). You can still read, react and report."
    )


@screening.register_screen
def restriction_screen(author: User, community: Community, body: str, editing: bool) -> None:
    """Refuse new posts and replies from a restricted person (editing stays open, to put things right)."""
    if editing:
        return None
    restriction = active_restriction(author.id)
    if restriction is not None:
        raise ValidationError({"body": restriction_message(restriction)}, restriction_message(restriction))
    return None
