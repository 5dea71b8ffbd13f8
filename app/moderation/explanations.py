"""Explanation templates: starting texts for decisions, linked to a policy clause, edited per decision."""

from sqlalchemy import or_, select

from app import audit
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import MAX_ID, clean_text
from app.models import INTENTS, ExplanationTemplate, PolicyClause, User, utcnow
from app.permissions import is_moderator

MAX_TITLE = 120
MAX_BODY = 4000


def templates(include_archived: bool = False) -> list[ExplanationTemplate]:
    """Every template, grouped by clause then title."""
    stmt = select(ExplanationTemplate).order_by(ExplanationTemplate.clause_key, ExplanationTemplate.title)
    if not include_archived:
        stmt = stmt.where(ExplanationTemplate.archived_at.is_(None))
    return list(db.session.scalars(stmt))


def templates_for(clause_keys: set[str]) -> list[ExplanationTemplate]:
    """Templates for these clauses first, then the general ones (linked to no clause)."""
    rows = list(
        db.session.scalars(
            select(ExplanationTemplate)
            .where(
                ExplanationTemplate.archived_at.is_(None),
                or_(
                    ExplanationTemplate.clause_key.is_(None), ExplanationTemplate.clause_key.in_(clause_keys)
                ),
            )
            .order_by(ExplanationTemplate.title)
        )
    )
    return sorted(rows, key=lambda t: t.clause_key is None)


def get_template(template_id: int) -> ExplanationTemplate:
    """A template by id; NotFound otherwise."""
    row = db.session.get(ExplanationTemplate, template_id) if 0 < template_id <= MAX_ID else None
    if row is None:
        raise NotFound("We couldn't find that template.")
    return row


def fill(body: str, author: User, clause: PolicyClause | None) -> str:
    """The template's text for one decision: {name} is the author's first name, {clause} the clause."""
    first_name = author.name.split()[0] if author.name.split() else author.name
    return body.replace("{name}", first_name).replace(
        "{clause}", clause.reference if clause else "of the policy"
    )


def save_template(
    actor: User,
    template: ExplanationTemplate | None,
    clause_key: str,
    intent: str,
    title: str,
    body: str,
) -> ExplanationTemplate:
    """Add or edit a template (moderators and admins)."""
    if not is_moderator(actor):
        raise PermissionDenied("Only moderators can edit explanation templates.")
    title, body = clean_text(title), clean_text(body, multiline=True)
    clause_key = clean_text(clause_key)[:40] or None
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Give the template a name moderators will recognise."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Keep the name to {MAX_TITLE} characters."
    if not body:
        errors["body"] = "Write the explanation the author will read."
    elif len(body) > MAX_BODY:
        errors["body"] = f"Keep it to {MAX_BODY} characters."
    if intent and intent not in INTENTS:
        errors["intent"] = "Choose a kind of decision from the list."
    if errors:
        raise ValidationError(errors)
    created = template is None
    if template is None:
        template = ExplanationTemplate(title=title, body=body)
        db.session.add(template)
    template.clause_key, template.intent = clause_key, intent or None
    template.title, template.body = title, body
    template.updated_by_id, template.updated_at = actor.id, utcnow()
    db.session.flush()
    audit.record(
        actor,
        "moderation.template_created" if created else "moderation.template_updated",
        "explanation_template",
        template.id,
        title=title,
        clause_key=clause_key,
    )
    return template


def set_archived(actor: User, template: ExplanationTemplate, archived: bool) -> None:
    """Retire a template (or bring it back); decisions that used it keep their text."""
    if not is_moderator(actor):
        raise PermissionDenied("Only moderators can edit explanation templates.")
    template.archived_at = utcnow() if archived else None
    db.session.flush()
    audit.record(
        actor,
        "moderation.template_archived" if archived else "moderation.template_restored",
        "explanation_template",
        template.id,
    )


def install_suggested(actor: User) -> int:
    """Add the suggested templates (for an organisation starting out); returns how many."""
    from app.policy.suggested import SUGGESTED_TEMPLATES

    for clause_key, intent, title, body in SUGGESTED_TEMPLATES:
        save_template(actor, None, clause_key or "", intent or "", title, body)
    return len(SUGGESTED_TEMPLATES)
