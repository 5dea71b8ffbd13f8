"""The dashboard's answer to "what has this done for our priorities?": figures and trend per objective."""

from flask import url_for
from sqlalchemy import func, or_, select

from app.extensions import db
from app.insights import charts
from app.insights.filters import Filters, monday, weeks
from app.insights.objective_stats import objective_totals, session_figures
from app.insights.sections import Section, register_section
from app.insights.tables import Column, Table, link
from app.models import Objective, ObjectiveDay, ObjectiveViewer, User

MAX_CHARTED = 4


WEEK_KEYS = ("items", "reached", "sessions_held", "attended", "link_clicks")


def _weekly(filters: Filters, objectives: list[Objective]) -> dict[tuple[int, object], dict]:
    ids = [o.id for o in objectives]
    found: dict = {}

    def week_of(oid, week) -> dict:
        return found.setdefault((oid, week), dict.fromkeys(WEEK_KEYS, 0))

    items = (
        select(
            ObjectiveDay.objective_id,
            ObjectiveDay.week,
            func.sum(ObjectiveDay.items),
            func.sum(ObjectiveDay.link_clicks),
        )
        .where(
            ObjectiveDay.objective_id.in_(ids),
            ObjectiveDay.day >= filters.start,
            ObjectiveDay.day <= filters.end,
        )
        .group_by(ObjectiveDay.objective_id, ObjectiveDay.week)
    )
    for oid, week, n, clicks in db.session.execute(items):
        week_of(oid, week).update(items=n or 0, link_clicks=clicks or 0)
    reach = (
        select(
            ObjectiveViewer.objective_id,
            ObjectiveViewer.week,
            func.count(func.distinct(ObjectiveViewer.user_id)),
        )
        .where(
            ObjectiveViewer.objective_id.in_(ids),
            ObjectiveViewer.week >= monday(filters.start),
            ObjectiveViewer.week <= monday(filters.end),
        )
        .group_by(ObjectiveViewer.objective_id, ObjectiveViewer.week)
    )
    if filters.unit_ids is not None:
        reach = reach.join(User, User.id == ObjectiveViewer.user_id).where(User.unit_id.in_(filters.unit_ids))
    for oid, week, n in db.session.execute(reach):
        week_of(oid, week)["reached"] = n
    for oid, starts_at, held, attended in session_figures(ids, filters.start, filters.end, filters.unit_ids):
        row = week_of(oid, monday(starts_at.date()))
        row["sessions_held"] += held
        row["attended"] += attended
    return found


def objectives_section(filters: Filters, viewer: User, minimum: int) -> Section:
    """Per objective: items tagged (by kind), people reached, replies and reactions, and the weekly trend."""
    objectives = list(
        db.session.scalars(
            select(Objective)
            .where(or_(Objective.archived_at.is_(None), Objective.archived_at >= filters.start_at))
            .order_by(Objective.name)
        )
    )
    totals = objective_totals([o.id for o in objectives], filters.start, filters.end, filters.unit_ids)
    rows = []
    for objective in objectives:
        t = totals[objective.id]
        rows.append(
            {
                "label": objective.name,
                "name": link(objective.name, url_for("objectives.show", objective_id=objective.id)),
                "owner": objective.owner.name if objective.owner else "",
                "items": t["items"],
                **{f"kind_{k}": t["kinds"].get(k, 0) for k in ("post", "update", "link", "session")},
                "people_reached": t["people_reached"],
                "replies": t["replies"],
                "reactions": t["reactions"],
                "sessions_held": t["sessions_held"],
                "attended": t["attended"],
                "link_clicks": t["link_clicks"],
            }
        )
    table = Table(
        name="objectives",
        title="Objectives",
        columns=[
            Column("label", "Objective", "text"),
            Column("owner", "Owner", "text"),
            Column("items", "Items tagged"),
            Column("kind_post", "Posts"),
            Column("kind_update", "Leadership updates"),
            Column("kind_link", "Curated links"),
            Column("kind_session", "Sessions"),
            Column("people_reached", "People reached"),
            Column("replies", "Replies"),
            Column("reactions", "Reactions"),
            Column("sessions_held", "Sessions held"),
            Column("attended", "Attended"),
            Column("link_clicks", "Links clicked"),
        ],
        rows=rows,
        note="People reached counts each person once, however many tagged items they saw. Attended counts"
        " the people hosts marked as there; links clicked counts click-throughs on tagged curated links."
        + (
            " The unit filter applies to people reached and attended." if filters.unit_ids is not None else ""
        ),
        empty="No objectives yet. Admins add them under Admin › Objectives.",
    )
    found = _weekly(filters, objectives)
    week_list = weeks(filters.start, filters.end)
    trend = Table(
        name="objective_weeks",
        title="Objectives per week",
        columns=[
            Column("week", "Week starting", "date"),
            Column("label", "Objective", "text"),
            Column("items", "Items tagged"),
            Column("reached", "People reached"),
            Column("sessions_held", "Sessions held"),
            Column("attended", "Attended"),
            Column("link_clicks", "Links clicked"),
        ],
        rows=[
            {"week": week, "label": o.name, **found.get((o.id, week), dict.fromkeys(WEEK_KEYS, 0))}
            for o in objectives
            for week in week_list
        ],
    )
    section = Section(name="objectives", title="Objectives", tables=[table, trend])
    charted = sorted(objectives, key=lambda o: -totals[o.id]["people_reached"])[:MAX_CHARTED]
    if charted:
        section.charts.append(
            charts.line_chart(
                "People reached per week, by objective",
                [w.strftime("%-d %b") for w in week_list],
                [(o.name, [found.get((o.id, w), {}).get("reached", 0) for w in week_list]) for o in charted],
                "People reached",
                "Week starting",
            )
        )
    return section


register_section("objectives", objectives_section, order=50)
