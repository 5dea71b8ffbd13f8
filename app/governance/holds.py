"""Legal holds: nothing a hold covers is removed or anonymised until an admin lifts it (with a reason).

A hold names a person, a community, a date range, or a combination of them (every part must match).
"""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, false, literal, or_, select, true

from app import audit
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.forms import clean_text, parse_id
from app.governance import clock
from app.models import Community, LegalHold, Post, Reply, User
from app.permissions import is_admin

MAX_REASON = 2000


def active_holds() -> list[LegalHold]:
    """Holds not lifted yet, oldest first."""
    return list(
        db.session.scalars(select(LegalHold).where(LegalHold.lifted_at.is_(None)).order_by(LegalHold.id))
    )


def lifted_holds(limit: int = 50) -> list[LegalHold]:
    """The most recently lifted holds."""
    return list(
        db.session.scalars(
            select(LegalHold)
            .where(LegalHold.lifted_at.is_not(None))
            .order_by(LegalHold.lifted_at.desc(), LegalHold.id.desc())
            .limit(limit)
        )
    )


def covers(holds: list[LegalHold], *, people=(), community=None, created=None):
    """An SQL condition: true for rows any of the holds covers.

    people: columns naming people; community: the row's community (None when it can't be told, so a
    community hold covers it, erring on the side of keeping); created: the row's creation time.
    """
    clauses = []
    for hold in holds:
        parts = []
        if hold.user_id is not None:
            parts.append(or_(*(column == hold.user_id for column in people)) if people else false())
        if hold.community_id is not None and community is not None:
            parts.append(community == hold.community_id)
        if hold.starts_at is not None and created is not None:
            parts.append(created >= hold.starts_at)
        if hold.ends_at is not None and created is not None:
            parts.append(created < hold.ends_at)
        clauses.append(and_(*parts) if parts else true())
    return or_(*clauses) if clauses else literal(False)


def parse_day(raw: str | None, field: str) -> date | None:
    """An optional YYYY-MM-DD date from a form (None when blank)."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise ValidationError({field: "Enter a date, like 2026-03-24."}) from None
    if not 2000 <= value.year <= 2100:
        raise ValidationError({field: "Enter a date between 2000 and 2100."})
    return value


def find_person(raw: str | None, field: str = "person") -> User | None:
    """Someone by work email or @handle (erased people can't be named: nothing of theirs is left)."""
    text = clean_text(raw).lstrip("@").lower()
    if not text:
        return None
    column = User.email if "@" in text else User.handle
    user = db.session.scalar(select(User).where(column == text[:254]))
    if user is None or user.is_erased:
        raise ValidationError({field: "We couldn't find anyone with that email or @handle."})
    return user


def create_hold(
    admin: User,
    *,
    person: str = "",
    community_id: str | int | None = None,
    starts_on: str = "",
    ends_on: str = "",
    reason: str = "",
) -> LegalHold:
    """Place a hold (admins): at least one of person, community or dates, and always a reason."""
    if not is_admin(admin):
        raise PermissionDenied("Only admins can place legal holds.")
    errors: dict[str, str] = {}
    user = community = start = end = None
    try:
        user = find_person(person)
    except ValidationError as exc:
        errors.update(exc.fields)
    if community_id not in (None, ""):
        community = db.session.get(Community, parse_id(community_id) or 0)
        if community is None:
            errors["community_id"] = "Choose a community from the list."
    for field, raw in (("starts_on", starts_on), ("ends_on", ends_on)):
        try:
            value = parse_day(raw, field)
        except ValidationError as exc:
            errors.update(exc.fields)
            continue
        if field == "starts_on":
            start = value
        else:
            end = value
    if start and end and end < start:
        errors["ends_on"] = "The end date must be on or after the start date."
    reason = clean_text(reason, multiline=True)
    if not reason:
        errors["reason"] = "Say why (the case or request it is for): it is recorded with the hold."
    elif len(reason) > MAX_REASON:
        errors["reason"] = f"Keep it under {MAX_REASON:,} characters."
    if not errors and user is None and community is None and start is None and end is None:
        errors["form"] = "Name a person, a community or dates (or a combination) for the hold to cover."
    if errors:
        raise ValidationError(errors)
    hold = LegalHold(
        user_id=user.id if user else None,
        community_id=community.id if community else None,
        # Whole days on the UTC calendar: from the start of the first day to the end of the last.
        starts_at=datetime.combine(start, time(), tzinfo=UTC) if start else None,
        ends_at=datetime.combine(end + timedelta(days=1), time(), tzinfo=UTC) if end else None,
        reason=reason,
        created_by_id=admin.id,
        created_at=clock.now(),
    )
    db.session.add(hold)
    db.session.flush()
    audit.record(admin, "legal_hold.placed", "legal_hold", hold.id, reason, **describe(hold))
    return hold


def describe(hold: LegalHold) -> dict:
    """What a hold covers, for the audit log (ids and dates, never a secret community's name)."""
    return {
        "user_id": hold.user_id,
        "community_id": hold.community_id,
        "starts_on": hold.starts_at.date().isoformat() if hold.starts_at else None,
        "ends_on": (hold.ends_at - timedelta(days=1)).date().isoformat() if hold.ends_at else None,
    }


def lift_hold(admin: User, hold_id: int, reason: str) -> LegalHold:
    """Lift a hold (admins), with a reason; retention applies again to what it covered."""
    if not is_admin(admin):
        raise PermissionDenied("Only admins can lift legal holds.")
    hold = db.session.get(LegalHold, hold_id)
    if hold is None or not hold.is_active:
        raise ValidationError({"form": "That hold isn't in place any more."})
    reason = clean_text(reason, multiline=True)
    if not reason:
        raise ValidationError({f"lift_reason_{hold.id}": "Say why the hold can be lifted."})
    if len(reason) > MAX_REASON:
        raise ValidationError({f"lift_reason_{hold.id}": f"Keep it under {MAX_REASON:,} characters."})
    hold.lifted_at, hold.lifted_by_id, hold.lift_reason = clock.now(), admin.id, reason
    db.session.flush()
    audit.record(admin, "legal_hold.lifted", "legal_hold", hold.id, reason, **describe(hold))
    return hold


def holds_on_person(user: User) -> list[LegalHold]:
    """Active holds that cover anything the person wrote: a hold on them, or one on a community or
    dates that includes a post or reply of theirs (so an erasure would change held content)."""
    found = []
    for hold in active_holds():
        if hold.user_id is not None and hold.user_id != user.id:
            continue
        if hold.user_id == user.id:
            found.append(hold)
            continue
        post_held = select(Post.id).where(
            Post.author_id == user.id, covers([hold], community=Post.community_id, created=Post.created_at)
        )
        reply_held = (
            select(Reply.id)
            .join(Post, Post.id == Reply.post_id)
            .where(
                Reply.author_id == user.id,
                covers([hold], community=Post.community_id, created=Reply.created_at),
            )
        )
        if db.session.scalar(post_held.limit(1)) or db.session.scalar(reply_held.limit(1)):
            found.append(hold)
    return found


def community_choices() -> list[tuple[int, str]]:
    """Every community for an admin's pick list (All staff first), private and secret ones marked."""
    rows = db.session.scalars(select(Community).order_by(Community.is_all_staff.desc(), Community.name))
    return [(c.id, c.name if c.visibility == "public" else f"{c.name} ({c.visibility})") for c in rows]
