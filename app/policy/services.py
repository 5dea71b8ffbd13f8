"""The acceptable-use policy: publishing versions, reading them, accepting, and who accepted what."""

import csv
import io
import re
from dataclasses import dataclass

from flask import g
from sqlalchemy import func, select

from app import audit
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import MAX_ID, clean_text
from app.models import SEVERITIES, PolicyAcceptance, PolicyClause, PolicyVersion, User
from app.permissions import is_admin

MAX_CLAUSES = 40
MAX_TITLE = 120
MAX_CLAUSE_BODY = 2000
MAX_SUMMARY = 500
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass
class ClauseDraft:
    """One row of the policy editor, as typed."""

    key: str
    title: str
    body: str
    severity: str


def current_version() -> PolicyVersion | None:
    """The newest published version, or None before the first is published."""
    return db.session.scalar(select(PolicyVersion).order_by(PolicyVersion.number.desc()).limit(1))


def get_version(number: int) -> PolicyVersion:
    """A version by its number; NotFound if there is no such version."""
    version = (
        db.session.scalar(select(PolicyVersion).where(PolicyVersion.number == number))
        if 0 < number <= MAX_ID
        else None
    )
    if version is None:
        raise NotFound("There is no such version of the policy.")
    return version


def all_versions() -> list[PolicyVersion]:
    """Every version, newest first."""
    return list(db.session.scalars(select(PolicyVersion).order_by(PolicyVersion.number.desc())))


def get_clause(clause_id: int) -> PolicyClause | None:
    """A clause of any version by id, or None."""
    return db.session.get(PolicyClause, clause_id) if 0 < clause_id <= MAX_ID else None


def last_accepted(user: User) -> PolicyAcceptance | None:
    """The person's acceptance of the newest version they accepted, if any."""
    return db.session.scalar(
        select(PolicyAcceptance)
        .join(PolicyVersion, PolicyVersion.id == PolicyAcceptance.version_id)
        .where(PolicyAcceptance.user_id == user.id)
        .order_by(PolicyVersion.number.desc())
        .limit(1)
    )


def needs_acceptance(user: User) -> bool:
    """True when a policy is published and the person hasn't accepted its current version.

    Decided once per request (the gate, the composer and the reply form all ask).
    """
    cache = g.setdefault("policy_pending", {})
    if user.id not in cache:
        # One query: is there a policy, and has the person accepted its current version (the inner
        # selects stand alone: nothing correlates to the outer policy_versions).
        latest = select(func.max(PolicyVersion.number)).correlate(None).scalar_subquery()
        current_id = (
            select(PolicyVersion.id).where(PolicyVersion.number == latest).correlate(None).scalar_subquery()
        )
        accepted = (
            select(func.count())
            .where(PolicyAcceptance.user_id == user.id, PolicyAcceptance.version_id == current_id)
            .scalar_subquery()
        )
        has_policy, has_accepted = db.session.execute(select(func.count(PolicyVersion.id), accepted)).one()
        cache[user.id] = bool(has_policy) and not has_accepted
    return cache[user.id]


def accept(user: User, number: int | None) -> PolicyAcceptance:
    """Record that the person accepted the current version (the one they were shown); idempotent."""
    current = current_version()
    if current is None:
        raise ValidationError({"version": "There is no policy to accept yet."})
    if number != current.number:
        raise ValidationError(
            {"version": f"The policy has changed since you opened it. Please read version {current.number}."}
        )
    row = db.session.get(PolicyAcceptance, (user.id, current.id))
    if row is None:
        row = PolicyAcceptance(user_id=user.id, version_id=current.id)
        db.session.add(row)
        db.session.flush()
    g.pop("policy_pending", None)
    return row


def drafts_from_form(form) -> list[ClauseDraft]:
    """The editor's rows (key-N, title-N, body-N, severity-N) in order; empty rows are left out."""
    indexes = sorted(
        {int(name.split("-", 1)[1]) for name in form if re.fullmatch(r"(title|body)-\d{1,3}", name)}
    )
    rows = [
        ClauseDraft(
            key=(form.get(f"key-{i}") or "").strip(),
            title=clean_text(form.get(f"title-{i}")),
            body=clean_text(form.get(f"body-{i}"), multiline=True),
            severity=(form.get(f"severity-{i}") or "2").strip(),
        )
        for i in indexes
    ]
    return [row for row in rows if row.title or row.body]


def drafts_from_version(version: PolicyVersion | None) -> list[ClauseDraft]:
    """The editor's starting rows: the current version's clauses, or the suggested first policy."""
    if version is None:
        from app.policy.suggested import SUGGESTED_CLAUSES

        return [ClauseDraft(key, title, body, str(sev)) for key, title, body, sev in SUGGESTED_CLAUSES]
    return [ClauseDraft(c.key, c.title, c.body, str(c.severity)) for c in version.clauses]


def _slug(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:32].strip("-")
    return slug or "clause"


def _check_drafts(drafts: list[ClauseDraft]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not drafts:
        errors["clauses"] = "Write at least one clause."
    if len(drafts) > MAX_CLAUSES:
        errors["clauses"] = f"A policy can have at most {MAX_CLAUSES} clauses."
    for n, row in enumerate(drafts, start=1):
        if not row.title:
            errors[f"title-{n}"] = f"Give clause {n} a short title."
        elif len(row.title) > MAX_TITLE:
            errors[f"title-{n}"] = f"Keep clause {n}'s title to {MAX_TITLE} characters."
        if not row.body:
            errors[f"body-{n}"] = f"Write what clause {n} asks of people."
        elif len(row.body) > MAX_CLAUSE_BODY:
            errors[f"body-{n}"] = f"Keep clause {n} to {MAX_CLAUSE_BODY} characters."
        if row.severity not in ("1", "2", "3"):
            errors[f"severity-{n}"] = "Choose low, medium or high."
    return errors


def _keys(drafts: list[ClauseDraft]) -> list[str]:
    """Keep each row's key (so the next version can say what changed); new rows get one from the title."""
    used: set[str] = set()
    keys = []
    for row in drafts:
        key = row.key if _KEY.match(row.key) and row.key not in used else _slug(row.title)
        base, n = key, 2
        while key in used:
            key, n = f"{base[:36]}-{n}", n + 1
        used.add(key)
        keys.append(key)
    return keys


def publish(admin: User, drafts: list[ClauseDraft], summary: str) -> PolicyVersion:
    """Publish a new version (the next number); everyone is asked to accept it before posting again."""
    if not is_admin(admin):
        raise PermissionDenied("Only admins can publish the policy.")
    summary = clean_text(summary, multiline=True)
    errors = _check_drafts(drafts)
    if len(summary) > MAX_SUMMARY:
        errors["summary"] = f"Keep the summary to {MAX_SUMMARY} characters."
    current = current_version()
    keys = _keys(drafts)
    if not errors and current is not None:
        before = [(c.key, c.title, c.body, c.severity) for c in current.clauses]
        after = [(k, d.title, d.body, int(d.severity)) for k, d in zip(keys, drafts, strict=True)]
        if before == after:
            errors["clauses"] = f"Nothing has changed since version {current.number}."
    if errors:
        raise ValidationError(errors)
    version = PolicyVersion(
        number=(current.number if current else 0) + 1, summary=summary, published_by=admin
    )
    db.session.add(version)
    db.session.flush()
    for position, (key, row) in enumerate(zip(keys, drafts, strict=True), start=1):
        db.session.add(
            PolicyClause(
                version_id=version.id,
                position=position,
                key=key,
                title=row.title,
                body=row.body,
                severity=int(row.severity),
            )
        )
    db.session.flush()
    db.session.refresh(version, ["clauses"])
    audit.record(admin, "policy.published", "policy_version", version.id, summary, number=version.number)
    # Publishing is accepting: the admin has just read every word.
    db.session.add(PolicyAcceptance(user_id=admin.id, version_id=version.id))
    db.session.flush()
    g.pop("policy_pending", None)
    return version


def acceptance_counts() -> dict[int, int]:
    """How many people accepted each version, by version id."""
    return dict(
        db.session.execute(
            select(PolicyAcceptance.version_id, func.count()).group_by(PolicyAcceptance.version_id)
        ).all()
    )


def acceptances_csv(admin: User, version: PolicyVersion | None) -> str:
    """Who accepted which version and when, as CSV (the export is itself audited)."""
    if not is_admin(admin):
        raise PermissionDenied("Only admins can export acceptances.")
    audit.record(
        admin,
        "policy.acceptances_exported",
        "policy_version",
        version.id if version else None,
        number=version.number if version else None,
    )
    stmt = (
        select(PolicyAcceptance)
        .join(PolicyVersion, PolicyVersion.id == PolicyAcceptance.version_id)
        .order_by(PolicyVersion.number, PolicyAcceptance.accepted_at, PolicyAcceptance.user_id)
    )
    if version is not None:
        stmt = stmt.where(PolicyAcceptance.version_id == version.id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name", "email", "version", "accepted_at"])
    for row in db.session.scalars(stmt):
        writer.writerow(
            [
                safe_cell(row.user.name),
                safe_cell(row.user.email),
                row.version.number,
                row.accepted_at.isoformat(),
            ]
        )
    return buffer.getvalue()


def safe_cell(value: str) -> str:
    """Defuse spreadsheet formulas in exported text (a name starting with = + - @ runs in Excel)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def severity_label(severity: int) -> str:
    """Low, Medium or High."""
    return SEVERITIES.get(severity, "Medium")
