"""Reporting a post, reply or profile under a policy clause (or "something else", in the reporter's words)."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.errors import ValidationError
from app.extensions import db
from app.forms import clean_text
from app.models import PolicyClause, Report, User
from app.moderation.cases import Target, open_case
from app.policy.services import current_version

MAX_DETAILS = 2000
# "Something else" sits in the middle of the queue until a moderator has read it.
OTHER_SEVERITY = 2
ALREADY_REPORTED = (
    "You've already reported this. A moderator will look at it, and we'll tell you the outcome."
)


def reasons() -> list[PolicyClause]:
    """The clauses of the current policy, in order (a report may also be "something else")."""
    version = current_version()
    return list(version.clauses) if version else []


def already_reported(reporter: User, target: Target) -> bool:
    """Whether the person has reported this item before."""
    stmt = select(Report.id).where(Report.reporter_id == reporter.id, Report.target_key == target.key)
    return db.session.scalar(stmt.limit(1)) is not None


def _check(reporter: User, target: Target, clause_id: int | None, details: str) -> PolicyClause | None:
    if target.author.id == reporter.id:
        what = "profile" if target.type == "user" else target.type
        raise ValidationError(
            {"form": f"You can't report your own {what}. You can edit or delete it instead."}
        )
    if target.status == "deleted":
        raise ValidationError({"form": "This has already been removed."})
    errors: dict[str, str] = {}
    clause = None
    if clause_id is not None:
        clause = next((c for c in reasons() if c.id == clause_id), None)
        if clause is None:
            errors["clause_id"] = "Choose a reason from the list."
    elif not details:
        errors["details"] = "Tell the moderators what's wrong, in a sentence or two."
    if len(details) > MAX_DETAILS:
        errors["details"] = f"Keep it to {MAX_DETAILS} characters."
    if errors:
        raise ValidationError(errors)
    if already_reported(reporter, target):
        raise ValidationError({"form": ALREADY_REPORTED}, ALREADY_REPORTED)
    return clause


def report_item(reporter: User, target: Target, clause_id: int | None, details: str) -> Report:
    """Report an item once; it joins the item's open case (or opens one), placed by the clause's severity.

    The author is never told who reported, or that anyone did until a moderator decides.
    """
    details = clean_text(details, multiline=True)
    clause = _check(reporter, target, clause_id, details)
    case = open_case(target, "report", clause.severity if clause else OTHER_SEVERITY)
    report = Report(
        case_id=case.id,
        reporter_id=reporter.id,
        target_key=target.key,
        clause_id=clause.id if clause else None,
        details=details,
    )
    try:
        with db.session.begin_nested():  # the same person twice at once: the unique constraint decides
            db.session.add(report)
    except IntegrityError:
        raise ValidationError({"form": ALREADY_REPORTED}, ALREADY_REPORTED) from None
    return report
