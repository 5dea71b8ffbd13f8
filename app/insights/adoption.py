"""Adoption against headcount: members, weekly and monthly active people, and % of the HR establishment."""

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.insights import charts
from app.insights.filters import Filters, unit_clause
from app.insights.privacy import suppress
from app.insights.sections import Section, register_section
from app.insights.tables import Column, Table, cell, percent
from app.models import Establishment, PersonDay, Unit, User
from app.people.services import unit_paths

ACTIVE = (User.deactivated_at.is_(None), User.email_confirmed_at.is_not(None))
FIGURES = ["headcount", "members", "wau", "mau"]
STAFF_LABELS = {
    "sworn": "Sworn",
    "civilian": "Civilian",
    "volunteer": "Volunteer",
    "contractor": "Contractor",
}


def _columns(first: str) -> list[Column]:
    return [
        Column("label", first, "text"),
        Column("headcount", "Establishment"),
        Column("members", "Members"),
        Column("pct_members", "Members, % of establishment", "pct"),
        Column("wau", "Active this week"),
        Column("mau", "Active this month"),
        Column("pct_mau", "Monthly active, % of establishment", "pct"),
    ]


def _counts(filters: Filters) -> dict[tuple, dict[str, int]]:
    """Figures per (unit id, staff type): members now, people active in the 7 and 30 days to the end date."""
    cells: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    members = select(User.unit_id, User.staff_type, func.count()).where(*ACTIVE, unit_clause(filters))
    for unit_id, staff_type, n in db.session.execute(members.group_by(User.unit_id, User.staff_type)):
        cells[(unit_id, staff_type)]["members"] = n
    for key, days in (("wau", 7), ("mau", 30)):
        since = filters.end - timedelta(days=days - 1)
        stmt = (
            select(User.unit_id, User.staff_type, func.count(func.distinct(PersonDay.user_id)))
            .join(User, User.id == PersonDay.user_id)
            .where(PersonDay.day >= since, PersonDay.day <= filters.end, *ACTIVE, unit_clause(filters))
            .group_by(User.unit_id, User.staff_type)
        )
        for unit_id, staff_type, n in db.session.execute(stmt):
            cells[(unit_id, staff_type)][key] = n
    establishment = select(Establishment.unit_id, Establishment.staff_type, Establishment.headcount)
    if filters.unit_ids is not None:
        establishment = establishment.where(Establishment.unit_id.in_(filters.unit_ids))
    for unit_id, staff_type, n in db.session.execute(establishment):
        cells[(unit_id, staff_type)]["headcount"] = n
    return cells


def _with_percentages(row: dict, has_establishment: bool) -> dict:
    headcount = row.get("headcount") if has_establishment else None
    return {
        **row,
        "headcount": headcount,
        "pct_members": percent(row["members"], headcount),
        "pct_mau": percent(row["mau"], headcount),
    }


def _table(
    name: str, title: str, first: str, groups: dict, labels: dict, minimum: int, has_est: bool
) -> Table:
    rows = [{"label": labels[key], **figures} for key, figures in groups.items()]
    rows.sort(key=lambda r: r["label"].lower())
    shown, combined = suppress(
        rows, lambda r: r["members"], minimum, f"Groups under {minimum} members", FIGURES
    )
    total = {key: sum(r[key] for r in rows) for key in FIGURES}
    total["label"] = "All"
    return Table(
        name=name,
        title=title,
        columns=_columns(first),
        rows=[_with_percentages(r, has_est) for r in shown + ([combined] if combined else [])],
        total=_with_percentages(total, has_est),
        note=f"Groups with fewer than {minimum} members are shown combined, so nobody can be singled out.",
    )


def adoption_section(filters: Filters, viewer: User, minimum: int) -> Section:
    """Members, weekly and monthly active people and % of establishment, per unit and per staff type."""
    cells = _counts(filters)
    has_est = any(c["headcount"] for c in cells.values())
    by_unit: dict = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    by_type: dict = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for (unit_id, staff_type), figures in cells.items():
        for key, value in figures.items():
            by_unit[unit_id][key] += value
            by_type[staff_type][key] += value
    paths = unit_paths(list(db.session.scalars(select(Unit))))
    unit_labels = {uid: paths.get(uid, "No unit recorded") if uid else "No unit recorded" for uid in by_unit}
    type_labels = {st: STAFF_LABELS.get(st, st) for st in by_type}
    units = _table("adoption_units", "Adoption by unit", "Unit", by_unit, unit_labels, minimum, has_est)
    types = _table(
        "adoption_staff_types", "Adoption by staff type", "Staff type", by_type, type_labels, minimum, has_est
    )
    total = units.total
    section = Section(
        name="adoption",
        title="Adoption against headcount",
        intro=f"Members are active accounts today; active means they read or wrote something in the 7 or 30 days to {cell(filters.end, 'date')}.",
        figures=[
            ("Members", cell(total["members"], "int")),
            ("Active this week", cell(total["wau"], "int")),
            ("Active this month", cell(total["mau"], "int")),
            ("Members, % of establishment", cell(total["pct_members"], "pct") if has_est else "—"),
        ],
        tables=[units, types],
    )
    if has_est:
        bars = [r for r in units.rows if r["pct_members"] is not None]
        if bars:
            section.charts.append(
                charts.bar_chart(
                    "Members as a percentage of establishment, by unit",
                    [r["label"] for r in bars],
                    [r["pct_members"] for r in bars],
                    "Members, % of establishment",
                )
            )
    else:
        section.notes.append(
            "No HR establishment has been imported yet, so % of establishment can't be shown."
        )
    return section


register_section("adoption", adoption_section, order=10)
