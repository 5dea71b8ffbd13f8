"""Acknowledgement figures: per update by unit (for its leader), and the dashboard's updates section."""

from collections import defaultdict
from statistics import median

from flask import url_for
from sqlalchemy import case, func, select

from app.extensions import db
from app.insights.filters import Filters, unit_clause
from app.insights.privacy import suppress
from app.insights.sections import Section, register_section
from app.insights.tables import Column, Table, cell, link, percent
from app.models import Post, Unit, Update, UpdateReceipt, User
from app.people.services import unit_paths
from app.permissions.updates import audience_clause

FIGURES = ["recipients", "acknowledged", "seen", "not_yet"]


def _with_rates(row: dict) -> dict:
    return {
        **row,
        "pct_acknowledged": percent(row["acknowledged"], row["recipients"]),
        "pct_seen": percent(row["seen"], row["recipients"]),
        "pct_not_yet": percent(row["not_yet"], row["recipients"]),
    }


def by_unit(row: Update, minimum: int) -> Table:
    """Acknowledged / seen (not acknowledged) / not yet, as counts and percentages, by unit."""
    acked = UpdateReceipt.acknowledged_at.is_not(None)
    seen = UpdateReceipt.acknowledged_at.is_(None) & UpdateReceipt.seen_at.is_not(None)
    stmt = (
        select(
            User.unit_id,
            func.count(),
            func.sum(case((acked, 1), else_=0)),
            func.sum(case((seen, 1), else_=0)),
        )
        .join(User, User.id == UpdateReceipt.user_id)
        .where(UpdateReceipt.update_id == row.id, User.deactivated_at.is_(None))
        .group_by(User.unit_id)
    )
    paths = unit_paths(list(db.session.scalars(select(Unit))))
    rows = []
    for unit_id, total, n_acked, n_seen in db.session.execute(stmt):
        n_acked, n_seen = n_acked or 0, n_seen or 0
        rows.append(
            {
                "label": paths.get(unit_id, "No unit recorded") if unit_id else "No unit recorded",
                "recipients": total,
                "acknowledged": n_acked,
                "seen": n_seen,
                "not_yet": total - n_acked - n_seen,
            }
        )
    rows.sort(key=lambda r: r["label"].lower())
    shown, combined = suppress(
        rows, lambda r: r["recipients"], minimum, f"Units under {minimum} recipients", FIGURES
    )
    total = {k: sum(r[k] for r in rows) for k in FIGURES} | {"label": "All recipients"}
    return Table(
        name="update_units",
        title="Acknowledgements by unit",
        columns=[
            Column("label", "Unit", "text"),
            Column("recipients", "Recipients"),
            Column("acknowledged", "Acknowledged"),
            Column("pct_acknowledged", "Acknowledged %", "pct"),
            Column("seen", "Seen, not acknowledged"),
            Column("pct_seen", "Seen %", "pct"),
            Column("not_yet", "Not yet"),
            Column("pct_not_yet", "Not yet %", "pct"),
        ],
        rows=[_with_rates(r) for r in shown + ([combined] if combined else [])],
        total=_with_rates(total),
        note=f"Units with fewer than {minimum} recipients are shown combined; no figure names anyone.",
    )


def updates_section(filters: Filters, viewer: User, minimum: int) -> Section:
    """Updates published in the period: reach, acknowledgement rate and median time to acknowledge."""
    updates = list(
        db.session.scalars(
            select(Update)
            .join(Post, Post.id == Update.post_id)
            .where(
                Update.created_at >= filters.start_at,
                Update.created_at < filters.end_at,
                Post.status == "visible",
                audience_clause(viewer),  # an update's title is for its audience only, here too
            )
            .order_by(Update.id.desc())
            .limit(50)
        ).unique()
    )
    ids = [u.id for u in updates]
    counts: dict[int, tuple[int, int, int]] = {}
    waits: dict[int, list] = defaultdict(list)
    if ids:
        receipts = (
            select(
                UpdateReceipt.update_id,
                func.count(),
                func.sum(case((UpdateReceipt.acknowledged_at.is_not(None), 1), else_=0)),
                func.sum(
                    case(
                        (UpdateReceipt.seen_at.is_not(None) | UpdateReceipt.acknowledged_at.is_not(None), 1),
                        else_=0,
                    )
                ),
            )
            .join(User, User.id == UpdateReceipt.user_id)
            .where(UpdateReceipt.update_id.in_(ids), User.deactivated_at.is_(None), unit_clause(filters))
            .group_by(UpdateReceipt.update_id)
        )
        counts = {uid: (n, a or 0, s or 0) for uid, n, a, s in db.session.execute(receipts)}
        acked = (
            select(UpdateReceipt.update_id, UpdateReceipt.acknowledged_at)
            .join(User, User.id == UpdateReceipt.user_id)
            .where(
                UpdateReceipt.update_id.in_(ids),
                UpdateReceipt.acknowledged_at.is_not(None),
                User.deactivated_at.is_(None),
                unit_clause(filters),
            )
        )
        published = {u.id: u.created_at for u in updates}
        for uid, when in db.session.execute(acked):
            waits[uid].append(when - published[uid])
    rows, all_waits, totals = [], [], [0, 0]
    for row in updates:
        recipients, n_acked, n_seen = counts.get(row.id, (0, 0, 0))
        small = recipients < minimum
        rows.append(
            {
                "label": row.title,
                "name": link(row.title, url_for("leadership.update_page", update_id=row.id)),
                "leader": row.leader.name,
                "published": row.created_at.date(),
                "required": "Yes" if row.ack_required else "No",
                "recipients": recipients,
                "pct_acknowledged": None if small or not row.ack_required else percent(n_acked, recipients),
                "pct_seen": None if small else percent(n_seen, recipients),
                "median": None if small or not waits[row.id] else median(waits[row.id]),
            }
        )
        if row.ack_required and not small:
            totals[0] += n_acked
            totals[1] += recipients
            all_waits.extend(waits[row.id])
    return Section(
        name="updates",
        title="Leadership updates",
        figures=[
            ("Updates published", cell(len(updates), "int")),
            ("Acknowledgement rate", cell(percent(totals[0], totals[1]), "pct")),
            ("Median time to acknowledge", cell(median(all_waits) if all_waits else None, "duration")),
        ],
        tables=[
            Table(
                name="updates",
                title="Leadership updates",
                columns=[
                    Column("label", "Update", "text"),
                    Column("leader", "From", "text"),
                    Column("published", "Published", "date"),
                    Column("required", "Acknowledgement asked", "text"),
                    Column("recipients", "Recipients"),
                    Column("pct_acknowledged", "Acknowledged %", "pct"),
                    Column("pct_seen", "Seen %", "pct"),
                    Column("median", "Median time to acknowledge", "duration"),
                ],
                rows=rows,
                note=f"Figures for an update with fewer than {minimum} recipients are not shown on their own.",
                empty="No leadership updates were published in this period.",
            )
        ],
    )


register_section("updates", updates_section, order=60)
