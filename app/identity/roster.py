"""The HR roster as the source of truth for who works here: read its CSV, work out what would change,
and carry it out (leavers deactivated through the admin path, units and job titles updated)."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from app import audit
from app.admin.services import end_account
from app.auth.services import check_email, normalise_email
from app.extensions import db
from app.forms import clean_text
from app.identity.profile import apply_profile_changes, profile_changes
from app.models import STAFF_TYPES, Unit, User

# Header spellings accepted for each column (after lower-casing and turning spaces and hyphens into _).
COLUMNS = {
    "email": ("email", "email_address", "work_email", "mail"),
    "name": ("name", "full_name", "display_name"),
    "unit": ("unit", "department", "team"),
    "staff_type": ("staff_type", "type", "employee_type"),
    "job_title": ("job_title", "title", "role", "position"),
    "status": ("status", "employment_status", "account_status"),
}
ACTIVE_STATUSES = frozenset({"", "active", "current", "employed", "enabled"})
LEFT_STATUSES = frozenset({"left", "leaver", "inactive", "disabled", "terminated", "deactivated"})
MAX_TEXT = 120
NOT_ON_ROSTER = "Not on the HR roster"
MARKED_LEFT = "Marked as left on the HR roster"


class RosterError(Exception):
    """The roster can't be trusted as it is (unreadable, no email column, bad lines): nothing happens."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class RosterEntry:
    """One person on the roster."""

    line: int
    email: str
    name: str = ""
    unit: str = ""
    staff_type: str = ""
    job_title: str = ""
    left: bool = False


@dataclass
class Plan:
    """What a sync would do, worked out before anything changes (so a dry run shows exactly this)."""

    deactivate: list[tuple[User, str]] = field(default_factory=list)
    updates: list[tuple[User, dict]] = field(default_factory=list)
    admins_kept: list[User] = field(default_factory=list)
    not_found: list[RosterEntry] = field(default_factory=list)
    deactivated_on_roster: list[User] = field(default_factory=list)
    unknown_units: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    on_roster: int = 0
    marked_left: int = 0
    active_accounts: int = 0

    @property
    def deactivate_percent(self) -> float:
        """Deactivations as a share of the active accounts."""
        return 100.0 * len(self.deactivate) / max(self.active_accounts, 1)

    def counts(self) -> dict[str, int]:
        """The numbers a report and the audit entry give."""
        return {
            "on_roster": self.on_roster,
            "marked_left": self.marked_left,
            "active_accounts": self.active_accounts,
            "deactivated": len(self.deactivate),
            "updated": len(self.updates),
            "admins_kept": len(self.admins_kept),
            "not_found": len(self.not_found),
            "deactivated_on_roster": len(self.deactivated_on_roster),
        }


def _column_map(headers: list[str]) -> dict[str, str]:
    """Our column name → the header as the file spells it."""
    found: dict[str, str] = {}
    for header in headers:
        key = (header or "").strip().lower().replace(" ", "_").replace("-", "_")
        for column, spellings in COLUMNS.items():
            if key in spellings and column not in found:
                found[column] = header
    return found


def read_roster(path: str | Path) -> tuple[list[RosterEntry], list[str]]:
    """The roster's people and any warnings; RosterError if any line would make the sync guess.

    A line with a bad email or an unknown status stops everything: that person would otherwise look
    absent and be deactivated.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            headers = list(reader.fieldnames or [])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RosterError([f"Can't read {path}: {exc}"]) from exc
    columns = _column_map(headers)
    if "email" not in columns:
        raise RosterError(
            [f"{path} has no email column (expected a header row with email, name, unit, ...)."]
        )
    entries, problems, warnings, seen = [], [], [], {}
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        value = {c: clean_text(row.get(h) or "")[:MAX_TEXT] for c, h in columns.items()}
        email = normalise_email(value["email"])
        if not email and not any(value.values()):
            continue  # a blank line
        if check_email(email):
            problems.append(f"line {line}: {value['email'] or '(empty)'!r} isn't an email address")
            continue
        if email in seen:
            problems.append(f"line {line}: {email} is also on line {seen[email]}")
            continue
        seen[email] = line
        status = value.get("status", "").lower()
        if status not in ACTIVE_STATUSES | LEFT_STATUSES:
            problems.append(
                f"line {line}: unknown status {value['status']!r} for {email} (use active or left)"
            )
            continue
        staff_type = value.get("staff_type", "").lower()
        if staff_type and staff_type not in STAFF_TYPES:
            warnings.append(
                f"line {line}: unknown staff type {value['staff_type']!r} for {email}, left as it is"
            )
            staff_type = ""
        entries.append(
            RosterEntry(
                line=line,
                email=email,
                name=value.get("name", ""),
                unit=value.get("unit", ""),
                staff_type=staff_type,
                job_title=value.get("job_title", ""),
                left=status in LEFT_STATUSES,
            )
        )
    if problems:
        raise RosterError(problems)
    return entries, warnings


def plan_sync(entries: list[RosterEntry], include_admins: bool = False) -> Plan:
    """Work out the sync: who is deactivated, who gets a new unit, job title or staff type, and the rest."""
    plan = Plan(on_roster=sum(not e.left for e in entries), marked_left=sum(e.left for e in entries))
    by_email = {e.email: e for e in entries}
    units = {unit.name.lower(): unit for unit in db.session.scalars(select(Unit))}
    plan.unknown_units = {e.unit for e in entries if e.unit and not e.left and e.unit.lower() not in units}
    active = list(db.session.scalars(select(User).where(User.deactivated_at.is_(None)).order_by(User.id)))
    plan.active_accounts = len(active)
    for user in active:
        entry = by_email.get(user.email.lower())
        if entry is None or entry.left:
            if user.role == "admin" and not include_admins:
                plan.admins_kept.append(user)
            else:
                plan.deactivate.append((user, MARKED_LEFT if entry else NOT_ON_ROSTER))
            continue
        changes = profile_changes(user, entry.unit, entry.job_title, entry.staff_type, units)
        changes.pop("unknown_unit", None)  # reported once, above
        if changes:
            plan.updates.append((user, changes))
    _keep_an_admin(plan, active)
    known = {u.email.lower() for u in active}
    gone = {
        u.email.lower(): u for u in db.session.scalars(select(User).where(User.deactivated_at.is_not(None)))
    }
    for entry in entries:
        if entry.left or entry.email in known:
            continue
        if entry.email in gone:
            plan.deactivated_on_roster.append(gone[entry.email])
        else:
            plan.not_found.append(entry)
    return plan


def _keep_an_admin(plan: Plan, active: list[User]) -> None:
    """Never deactivate the last active admins, even with include_admins: someone must be able to get in."""
    admins = [u for u in active if u.role == "admin" and u.is_active]
    leaving = [u for u, _ in plan.deactivate if u.role == "admin"]
    if admins and len(leaving) == len(admins):
        plan.deactivate = [(u, r) for u, r in plan.deactivate if u.role != "admin"]
        plan.admins_kept.extend(leaving)
        plan.warnings.append(
            "Kept every admin: deactivating them all would leave nobody able to manage Rollcall."
        )


def over_limit(plan: Plan, max_percent: float) -> str | None:
    """Why the sync should refuse (too many deactivations at once), or None."""
    if plan.deactivate and plan.deactivate_percent > max_percent:
        return (
            f"The roster would deactivate {len(plan.deactivate)} of {plan.active_accounts} active accounts "
            f"({plan.deactivate_percent:.0f}%), more than the limit of {max_percent:g}%. Check the file; "
            "if it is right, run again with --force."
        )
    return None


def apply_sync(plan: Plan, source: str, trigger: str) -> dict[str, int]:
    """Carry out the plan in the current transaction (the caller commits), audited; returns the counts."""
    reason = f"{trigger}: {Path(source).name}"
    for user, why in plan.deactivate:
        end_account(user, None, why, source="roster", roster=Path(source).name)
    for user, changes in plan.updates:
        audit.record(
            None, "user.profile_synced", "user", user.id, reason, **apply_profile_changes(user, changes)
        )
    counts = plan.counts()
    audit.record(None, "roster.synced", reason=reason, unknown_units=sorted(plan.unknown_units), **counts)
    db.session.flush()
    return counts
