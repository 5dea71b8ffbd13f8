"""Engagement over time: posts, replies, reactions and active people per week, by unit and by community."""

from datetime import date

from flask import url_for
from sqlalchemy import func, select

from app.extensions import db
from app.insights import charts
from app.insights.filters import Filters, monday, unit_clause, weeks
from app.insights.privacy import suppress
from app.insights.sections import Section, register_section
from app.insights.tables import Column, Table, cell, link
from app.models import Community, CommunityDay, Membership, PersonWeek, Unit, User
from app.people.services import unit_paths
from app.permissions import listed_communities

ACTIVE = (User.deactivated_at.is_(None), User.email_confirmed_at.is_not(None))
COUNTS = ["posts", "replies", "reactions"]
QUIET_WINDOW = 28


def whole_weeks(filters: Filters) -> tuple[date, date]:
    """The first and last Monday of the weeks the range touches (weekly figures count whole weeks)."""
    return monday(filters.start), monday(filters.end)


def _weekly(filters: Filters) -> tuple[list[dict], str]:
    """One row per week: posts, replies, reactions and active people (or daily average for a community)."""
    first, last = whole_weeks(filters)
    if filters.community is not None:
        stmt = (
            select(
                CommunityDay.week,
                func.sum(CommunityDay.posts),
                func.sum(CommunityDay.replies),
                func.sum(CommunityDay.reactions),
                func.sum(CommunityDay.active_people),
            )
            .where(
                CommunityDay.community_id == filters.community.id,
                CommunityDay.week >= first,
                CommunityDay.week <= last,
            )
            .group_by(CommunityDay.week)
        )
        label = "Active people (daily average)"
    else:
        stmt = (
            select(
                PersonWeek.week,
                func.sum(PersonWeek.posts),
                func.sum(PersonWeek.replies),
                func.sum(PersonWeek.reactions),
                func.count(),
            )
            .join(User, User.id == PersonWeek.user_id)
            .where(PersonWeek.week >= first, PersonWeek.week <= last, unit_clause(filters))
            .group_by(PersonWeek.week)
        )
        label = "Active people"
    found = {week: values for week, *values in db.session.execute(stmt)}
    rows = []
    for week in weeks(filters.start, filters.end):
        posts, replies, reactions, active = (v or 0 for v in found.get(week, (0, 0, 0, 0)))
        if filters.community is not None:
            active = round(active / 7, 1)
        rows.append(
            {"week": week, "posts": posts, "replies": replies, "reactions": reactions, "active": active}
        )
    return rows, label


def _by_unit(filters: Filters, minimum: int) -> Table:
    members = dict(
        db.session.execute(
            select(User.unit_id, func.count()).where(*ACTIVE, unit_clause(filters)).group_by(User.unit_id)
        ).all()
    )
    # Each person's weeks summed first (one row per person), then people grouped by unit.
    first, last = whole_weeks(filters)
    per_person = (
        select(
            PersonWeek.user_id.label("user_id"),
            func.sum(PersonWeek.posts).label("posts"),
            func.sum(PersonWeek.replies).label("replies"),
            func.sum(PersonWeek.reactions).label("reactions"),
        )
        .where(PersonWeek.week >= first, PersonWeek.week <= last)
        .group_by(PersonWeek.user_id)
        .subquery()
    )
    stmt = (
        select(
            User.unit_id,
            func.sum(per_person.c.posts),
            func.sum(per_person.c.replies),
            func.sum(per_person.c.reactions),
            func.count(),
        )
        .join(User, User.id == per_person.c.user_id)
        .where(*ACTIVE, unit_clause(filters))
        .group_by(User.unit_id)
    )
    figures = {
        uid: dict(zip([*COUNTS, "active"], (v or 0 for v in values), strict=True))
        for uid, *values in db.session.execute(stmt)
    }
    paths = unit_paths(list(db.session.scalars(select(Unit))))
    rows = [
        {
            "label": paths.get(uid, "No unit recorded") if uid else "No unit recorded",
            "members": n,
            **figures.get(uid, dict.fromkeys([*COUNTS, "active"], 0)),
        }
        for uid, n in members.items()
    ]
    rows.sort(key=lambda r: r["label"].lower())
    keys = ["members", "active", *COUNTS]
    shown, combined = suppress(rows, lambda r: r["members"], minimum, f"Units under {minimum} members", keys)
    total = {k: sum(r[k] for r in rows) for k in keys} | {"label": "All"}
    return Table(
        name="engagement_units",
        title="Engagement by unit",
        columns=[
            Column("label", "Unit", "text"),
            Column("members", "Members"),
            Column("active", "Active people"),
            *(Column(k, k.capitalize()) for k in COUNTS),
        ],
        rows=shown + ([combined] if combined else []),
        total=total,
        note=f"Units with fewer than {minimum} members are shown combined.",
    )


def member_counts(community_ids) -> dict[int, int]:
    """Active members per community."""
    stmt = (
        select(Membership.community_id, func.count())
        .join(User, User.id == Membership.user_id)
        .where(Membership.community_id.in_(community_ids), User.deactivated_at.is_(None))
        .group_by(Membership.community_id)
    )
    return dict(db.session.execute(stmt).all())


def _by_community(filters: Filters, viewer: User, minimum: int) -> Table:
    communities = list(db.session.scalars(listed_communities(viewer).order_by(Community.name)))
    ids = [c.id for c in communities]
    members = member_counts(ids)
    stmt = (
        select(
            CommunityDay.community_id,
            func.sum(CommunityDay.posts),
            func.sum(CommunityDay.replies),
            func.sum(CommunityDay.reactions),
            func.sum(CommunityDay.active_people),
        )
        .where(
            CommunityDay.community_id.in_(ids),
            CommunityDay.week >= whole_weeks(filters)[0],
            CommunityDay.week <= whole_weeks(filters)[1],
        )
        .group_by(CommunityDay.community_id)
    )
    figures = {cid: [v or 0 for v in values] for cid, *values in db.session.execute(stmt)}
    first, last = whole_weeks(filters)
    days = (last - first).days + 7
    rows = []
    for community in communities:
        posts, replies, reactions, active_days = figures.get(community.id, [0, 0, 0, 0])
        rows.append(
            {
                "label": community.name,
                "url": url_for("communities.show", slug=community.slug),
                "members": members.get(community.id, 0),
                "posts": posts,
                "replies": replies,
                "reactions": reactions,
                "active_days": active_days,
            }
        )
    keys = ["members", *COUNTS, "active_days"]
    shown, combined = suppress(
        rows, lambda r: r["members"], minimum, f"Communities under {minimum} members", keys
    )
    total = {k: sum(r[k] for r in rows) for k in keys} | {"label": "All"}
    for row in [*shown, *([combined] if combined else []), total]:
        row["active"] = round(row["active_days"] / days, 1)
        if row.get("url"):
            row["name"] = link(row["label"], row["url"])
    return Table(
        name="engagement_communities",
        title="Engagement by community",
        columns=[
            Column("label", "Community", "text"),
            Column("members", "Members"),
            *(Column(k, k.capitalize()) for k in COUNTS),
            Column("active", "Active people (daily average)"),
        ],
        rows=shown + ([combined] if combined else []),
        total=total,
        note=f"Communities with fewer than {minimum} members are shown combined. The unit filter doesn't apply here.",
    )


def engagement_section(filters: Filters, viewer: User, minimum: int) -> Section:
    """Posts, replies, reactions and active people per week, and the same by unit and by community."""
    rows, active_label = _weekly(filters)
    weekly = Table(
        name="engagement_weeks",
        title="Engagement per week",
        columns=[
            Column("week", "Week starting", "date"),
            *(Column(k, k.capitalize()) for k in COUNTS),
            Column("active", active_label),
        ],
        rows=rows,
        total={"week": None, **{k: sum(r[k] for r in rows) for k in COUNTS}, "active": None},
    )
    chart = charts.line_chart(
        "Engagement per week" + (f" in {filters.community.name}" if filters.community else ""),
        [r["week"].strftime("%-d %b") for r in rows],
        [(k.capitalize(), [r[k] for r in rows]) for k in COUNTS]
        + [(active_label, [r["active"] for r in rows])],
        "Count",
        "Week starting",
    )
    return Section(
        name="engagement",
        title="Engagement over time",
        intro=f"Whole weeks, Monday to Sunday, from {cell(whole_weeks(filters)[0], 'date')}.",
        figures=[(k.capitalize(), cell(weekly.total[k], "int")) for k in COUNTS],
        charts=[chart],
        tables=[weekly, _by_unit(filters, minimum), _by_community(filters, viewer, minimum)],
    )


register_section("engagement", engagement_section, order=20)
