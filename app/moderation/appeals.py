"""Appeals: the author may appeal a decision once; a different moderator decides it."""

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import audit
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import MAX_ID, clean_text
from app.models import Appeal, Decision, ModerationCase, PostingRestriction, Strike, User, utcnow
from app.moderation import items, notices
from app.moderation.cases import case_target
from app.permissions import can_handle_case, can_view_decision, cases_visible_to

MAX_TEXT = 2000
OUTCOMES = ("upheld", "overturned")
ALREADY_APPEALED = "You've already appealed this decision. A moderator will answer it."


def get_decision(viewer: User, decision_id: int) -> Decision:
    """A decision its author or a moderator who may handle the case may see; NotFound otherwise."""
    decision = db.session.get(Decision, decision_id) if 0 < decision_id <= MAX_ID else None
    if decision is None or not can_view_decision(viewer, decision):
        raise NotFound("We couldn't find that decision.")
    return decision


def can_appeal(user: User, decision: Decision) -> bool:
    """The author, once, against anything but a "within the policy" decision."""
    return decision.case.author_id == user.id and decision.intent != "no_breach" and decision.appeal is None


def appeal(author: User, decision: Decision, text: str) -> Appeal:
    """Appeal a decision about my content, saying why."""
    if decision.case.author_id != author.id:
        raise PermissionDenied("Only the person the decision is about can appeal it.")
    if decision.intent == "no_breach":
        raise ValidationError({"text": "There's nothing to appeal: this was found within the policy."})
    if decision.appeal is not None:
        raise ValidationError({"text": ALREADY_APPEALED}, ALREADY_APPEALED)
    text = clean_text(text, multiline=True)
    if not text:
        raise ValidationError({"text": "Tell the moderators why you think the decision is wrong."})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": f"Keep it to {MAX_TEXT} characters."})
    row = Appeal(decision_id=decision.id, author_id=author.id, text=text)
    try:
        with db.session.begin_nested():  # one appeal per decision, even when sent twice at once
            db.session.add(row)
    except IntegrityError:
        raise ValidationError({"text": ALREADY_APPEALED}, ALREADY_APPEALED) from None
    db.session.refresh(decision, ["appeal"])
    return row


def open_appeals(moderator: User) -> list[Appeal]:
    """Appeals waiting for a decision, oldest first, in communities the moderator may read."""
    return list(
        db.session.scalars(
            select(Appeal)
            .join(Decision, Decision.id == Appeal.decision_id)
            .join(ModerationCase, ModerationCase.id == Decision.case_id)
            .where(Appeal.status == "open", cases_visible_to(moderator))
            .order_by(Appeal.id)
        )
    )


def get_appeal(moderator: User, appeal_id: int) -> Appeal:
    """An appeal the moderator may handle; NotFound otherwise."""
    row = db.session.get(Appeal, appeal_id) if 0 < appeal_id <= MAX_ID else None
    if row is None or not can_handle_case(moderator, row.decision.case):
        raise NotFound("We couldn't find that appeal.")
    return row


def decide_appeal(moderator: User, row: Appeal, outcome: str, response: str) -> None:
    """Uphold or overturn; overturning puts the item back, voids the strike and lifts its restriction."""
    decision = row.decision
    if not can_handle_case(moderator, decision.case):
        raise PermissionDenied("Only moderators can decide appeals.")
    if decision.moderator_id == moderator.id:
        raise ValidationError(
            {"form": "You made the original decision, so a different moderator must decide this appeal."}
        )
    response = clean_text(response, multiline=True)
    errors: dict[str, str] = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = "Choose whether to uphold or overturn the decision."
    if not response:
        errors["response"] = "Explain your answer: the author receives it."
    elif len(response) > MAX_TEXT:
        errors["response"] = f"Keep it to {MAX_TEXT} characters."
    if errors:
        raise ValidationError(errors)
    # Conditional, so two moderators answering at once can't both decide it.
    decided = db.session.execute(
        update(Appeal)
        .where(Appeal.id == row.id, Appeal.status == "open")
        .values(status=outcome, decided_by_id=moderator.id, response=response, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(row)
    if not decided:
        raise ValidationError({"form": "This appeal has already been decided."})
    if outcome == "overturned":
        _overturn(moderator, decision)
    audit.record(
        moderator,
        "moderation.appeal_decided",
        "appeal",
        row.id,
        f"Decision {outcome} on appeal",
        outcome=outcome,
        decision_id=decision.id,
        case_id=decision.case_id,
    )
    notices.appeal_decided(row)


def _overturn(moderator: User, decision: Decision) -> None:
    now = utcnow()
    if decision.intent in ("needs_change", "serious"):
        items.make_visible(moderator, case_target(decision.case), "Overturned on appeal")
    for strike in db.session.scalars(select(Strike).where(Strike.decision_id == decision.id)):
        strike.voided_at = now
    for restriction in db.session.scalars(
        select(PostingRestriction).where(
            PostingRestriction.decision_id == decision.id, PostingRestriction.lifted_at.is_(None)
        )
    ):
        restriction.lifted_at, restriction.lifted_by_id = now, moderator.id
    db.session.flush()
