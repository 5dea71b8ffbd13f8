"""Claiming a case so two moderators don't collide, and deciding it with an explanation."""

from datetime import timedelta

from sqlalchemy import and_, or_, update

from app import audit
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.forms import clean_text
from app.models import INTENTS, Decision, ExplanationTemplate, ModerationCase, User, utcnow
from app.moderation import items, labels, notices, restrictions
from app.moderation.cases import case_target
from app.permissions import can_handle_case
from app.policy.services import current_version, get_clause

# A claim older than this may be taken over (the first moderator went home).
CLAIM_TIMEOUT = timedelta(hours=1)
MAX_EXPLANATION = 5000


def _require(moderator: User, case: ModerationCase) -> None:
    if not can_handle_case(moderator, case):
        raise PermissionDenied("Only moderators can do that.")


def claim(moderator: User, case: ModerationCase) -> None:
    """Start reviewing a case (in review, claimed by me); refused while someone else has it."""
    _require(moderator, case)
    if case.status == "decided":
        raise ValidationError({"form": "This case has already been decided."})
    if case.claimed_by_id == moderator.id:
        return
    stale = utcnow() - CLAIM_TIMEOUT
    taken_over = case.claimed_by_id
    # One conditional UPDATE, so two moderators clicking at once can't both win.
    claimed = db.session.execute(
        update(ModerationCase)
        .where(
            ModerationCase.id == case.id,
            ModerationCase.status != "decided",
            or_(
                ModerationCase.claimed_by_id.is_(None),
                and_(ModerationCase.claimed_at.is_not(None), ModerationCase.claimed_at < stale),
            ),
        )
        .values(status="in_review", claimed_by_id=moderator.id, claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(case)
    if not claimed:
        who = case.claimed_by.name if case.claimed_by else "Another moderator"
        raise ValidationError({"form": f"{who} is already reviewing this case."})
    audit.record(
        moderator,
        "moderation.taken_over" if taken_over else "moderation.claimed",
        "case",
        case.id,
        previous_moderator_id=taken_over,
    )


def release(moderator: User, case: ModerationCase) -> None:
    """Put a case I claimed back in the queue as new."""
    _require(moderator, case)
    if case.status != "in_review" or case.claimed_by_id != moderator.id:
        raise ValidationError({"form": "You aren't reviewing this case."})
    case.status, case.claimed_by_id, case.claimed_at = "new", None, None
    db.session.flush()
    audit.record(moderator, "moderation.released", "case", case.id)


def _check(moderator: User, case: ModerationCase, intent: str, clause_id, template_id, explanation: str):
    if case.status == "decided":
        raise ValidationError({"form": "This case has already been decided."})
    if case.status != "in_review" or case.claimed_by_id != moderator.id:
        who = case.claimed_by.name if case.claimed_by and case.claimed_by_id != moderator.id else None
        raise ValidationError(
            {
                "form": f"{who} is reviewing this case."
                if who
                else "Start reviewing the case before deciding it."
            }
        )
    errors: dict[str, str] = {}
    clause = get_clause(clause_id) if clause_id is not None else None
    template = db.session.get(ExplanationTemplate, template_id) if template_id else None
    if intent not in INTENTS:
        errors["intent"] = "Choose what kind of decision this is."
    if clause_id is not None and clause is None:
        errors["clause_id"] = "Choose a clause from the list."
    if template_id is not None and template is None:
        errors["template_id"] = "Choose a template from the list."
    if intent in INTENTS and intent != "no_breach":
        if not explanation:
            errors["explanation"] = "Explain the decision: the author always receives it."
        if clause is None and "clause_id" not in errors and current_version() is not None:
            errors["clause_id"] = "Choose the clause the decision is about."
    if len(explanation) > MAX_EXPLANATION:
        errors["explanation"] = f"Keep the explanation to {MAX_EXPLANATION} characters."
    if errors:
        raise ValidationError(errors)
    return clause, template


def decide(
    moderator: User,
    case: ModerationCase,
    intent: str,
    clause_id: int | None,
    template_id: int | None,
    explanation: str,
) -> Decision:
    """Decide a case I'm reviewing: change the item as the intent says, tell the author (with the
    explanation) and the reporters (the outcome), record a strike for a deliberate or serious breach."""
    _require(moderator, case)
    explanation = clean_text(explanation, multiline=True)
    clause, template = _check(moderator, case, intent, clause_id, template_id, explanation)
    target = case_target(case)
    decision = Decision(
        case_id=case.id,
        moderator_id=moderator.id,
        intent=intent,
        clause_id=clause.id if clause else None,
        template_id=template.id if template else None,
        explanation=explanation,
        previous_status=target.status,
    )
    db.session.add(decision)
    case.status, case.decided_at = "decided", utcnow()
    db.session.flush()
    # The log says why by the clause; the explanation itself stays on the case, which only moderators
    # who may read the community can open (the log is read by every moderator).
    why = f"{labels.INTENT_LABELS[intent]}: {clause.label}" if clause else labels.INTENT_LABELS[intent]
    if intent in ("no_breach", "honest_mistake"):
        if target.status == "held":  # the content may stay: a held item becomes visible
            items.make_visible(moderator, target, why)
    elif intent == "needs_change":
        items.hide(moderator, target, why)
    else:
        items.remove(moderator, target, why)
        restrictions.record_strike(decision)
    audit.record(
        moderator,
        "moderation.decided",
        "case",
        case.id,
        why,
        intent=intent,
        clause=clause.label if clause else None,
        target=case.target_key,
        previous_status=decision.previous_status,
    )
    if intent == "no_breach":
        if decision.previous_status == "held":  # its author was told it was held; now it's out
            notices.approved(case)
    else:
        notices.decided(decision)
    notices.outcome_to_reporters(decision)
    return decision
