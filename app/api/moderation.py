"""The acceptable-use policy (read it, accept it) and reporting, for scripts and apps."""

from flask_login import current_user

from app.api import bp
from app.api.inputs import json_object, optional_id, text_field
from app.api.schemas import COMPONENTS, REQUESTS, documented, nullable, ref
from app.api.serializers import iso
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.models import TARGET_TYPES, PolicyClause, Report
from app.moderation import reports
from app.moderation.cases import resolve_target
from app.permissions import access
from app.policy import services as policy


def _obj(properties: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties, "required": required or list(properties)}


_CLAUSE = _obj(
    {
        "id": {"type": "integer"},
        "number": {"type": "integer"},
        "key": {"type": "string"},
        "title": {"type": "string"},
        "body": {"type": "string"},
        "severity": {"type": "integer", "minimum": 1, "maximum": 3},
    }
)
COMPONENTS.update(
    {
        "PolicyClause": _CLAUSE,
        "Policy": _obj(
            {
                "version": {"type": "integer"},
                "summary": {"type": "string"},
                "published_at": {"type": "string", "format": "date-time"},
                "clauses": {"type": "array", "items": ref("PolicyClause")},
                "accepted": {"type": "boolean", "description": "whether I have accepted this version"},
            }
        ),
        "PolicyAcceptance": _obj(
            {"version": {"type": "integer"}, "accepted_at": {"type": "string", "format": "date-time"}}
        ),
        "Report": _obj(
            {
                "id": {"type": "integer"},
                "target_type": {"enum": list(TARGET_TYPES)},
                "target_id": {"type": "integer"},
                "clause": nullable(ref("PolicyClause")),
                "details": {"type": "string"},
                "created_at": {"type": "string", "format": "date-time"},
            }
        ),
    }
)
REQUESTS.update(
    {
        "PolicyAccept": _obj(
            {"version": {"type": "integer", "minimum": 1, "description": "the version I read"}}
        ),
        "ReportCreate": _obj(
            {
                "target_type": {"enum": list(TARGET_TYPES)},
                "target_id": {"type": "integer", "minimum": 1},
                "clause_id": {"type": "integer", "minimum": 1, "description": "omit for something else"},
                "details": {
                    "type": "string",
                    "maxLength": reports.MAX_DETAILS,
                    "description": "needed without a clause",
                },
            },
            ["target_type", "target_id"],
        ),
    }
)


def clause_json(clause: PolicyClause) -> dict:
    """A clause of the policy."""
    return {
        "id": clause.id,
        "number": clause.position,
        "key": clause.key,
        "title": clause.title,
        "body": clause.body,
        "severity": clause.severity,
    }


@bp.route("/policy")
@access("signed_in")
@documented(response=ref("Policy"))
def get_policy():
    """The current acceptable use policy, and whether I have accepted it (404 before one is published)."""
    version = policy.current_version()
    if version is None:
        raise NotFound("No acceptable use policy has been published yet.")
    return {
        "version": version.number,
        "summary": version.summary,
        "published_at": iso(version.published_at),
        "clauses": [clause_json(c) for c in version.clauses],
        "accepted": not policy.needs_acceptance(current_user),
    }


@bp.route("/policy/accept", methods=["POST"])
@access("signed_in")
@documented(request=ref("PolicyAccept"), response=ref("PolicyAcceptance"))
def accept_policy():
    """Accept the current version (send its number, so nobody accepts a version they haven't read)."""
    number = optional_id(json_object(), "version")
    if number is None:
        raise ValidationError({"version": "Send the number of the version you read."})
    row = policy.accept(current_user, number)
    db.session.commit()
    return {"version": row.version.number, "accepted_at": iso(row.accepted_at)}


def report_json(report: Report, target_type: str, target_id: int) -> dict:
    """A report I made."""
    return {
        "id": report.id,
        "target_type": target_type,
        "target_id": target_id,
        "clause": clause_json(report.clause) if report.clause else None,
        "details": report.details,
        "created_at": iso(report.created_at),
    }


@bp.route("/reports", methods=["POST"])
@access("signed_in")
@documented(request=ref("ReportCreate"), response=ref("Report"), status=201)
def create_report():
    """Report a post, reply or profile under a policy clause, or with details for something else."""
    data = json_object()
    target_type = data.get("target_type")
    if target_type not in TARGET_TYPES:
        raise ValidationError({"target_type": f"Choose one of: {', '.join(TARGET_TYPES)}."})
    target_id = optional_id(data, "target_id")
    if target_id is None:
        raise ValidationError({"target_id": "Send the id of what you are reporting."})
    target = resolve_target(current_user, target_type, target_id)
    report = reports.report_item(
        current_user, target, optional_id(data, "clause_id"), text_field(data, "details")
    )
    db.session.commit()
    return report_json(report, target_type, target_id), 201
