"""Engagement over time: posts, replies, reactions and active people per week, by unit and by community."""

from datetime import timedelta

from flask import url_for
from sqlalchemy import func, select

from app.extensions import db
from app.insights import charts
from app.insights.filters import Filters, unit_clause, weeks
from app.insights.privacy import suppress
from app.insights.sections import Section, register_section
from app.insights.tables import Column, Table, cell, link
from app.models import Community, CommunityDay, Membership, PersonDay, Unit, User
from app.people.services import unit_paths
from app.permissions import listed_communities

ACTIVE = (User.deactivated_at.is_(None), User.email_confirmed_at.is_not(None))
COUNTS = ["posts", "replies", "reactions"]
QUIET_WINDOW = 28


def _weekly(filters: Filters) -> tuple[list[dict], str]:
    """One row per week: posts, replies, reactions and active people (or daily average for a community)."""
    range_ = (PersonDay.day >= filters.start, PersonDay.day <= filters.end)
    found: dict = {}
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
                CommunityDay.day >= filters.start,
                CommunityDay.day <= filters.end,
            )
            .group_by(CommunityDay.week)
        )
        label = "Active people (daily average)"
    else:
        stmt = (
            select(
                PersonDay.week,
                func.sum(PersonDay.posts),
                func.sum(PersonDay.replies),
                func.sum(PersonDay.reactions),
                func.count(func.distinct(PersonDay.user_id)),
            )
            .join(User, User.id == PersonDay.user_id)
            .where(*range_, unit_clause(filters))
            .group_by(PersonDay.week)
        )
        label = "Active people"
    for week, posts, replies, reactions, active in db.session.execute(stmt):
        found[week] = (posts or 0, replies or 0, reactions or 0, active or 0)
    rows = []
    for week in weeks(filters.start, filters.end):
        posts, replies, reactions, active = found.get(week, (0, 0, 0, 0))
        if filters.community is not None:
            days = sum(1 for d in range(7) if filters.start <= week + timedelta(days=d) <= filters.end)
            active = round(active / days, 1) if days else 0
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
    stmt = (
        select(
            User.unit_id,
            func.sum(PersonDay.posts),
            func.sum(PersonDay.replies),
            func.sum(PersonDay.reactions),
            func.count(func.distinct(PersonDay.user_id)),
        )
        .join(User, User.id == PersonDay.user_id)
        .where(PersonDay.day >= filters.start, PersonDay.day <= filters.end, *ACTIVE, unit_clause(filters))
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
            CommunityDay.day >= filters.start,
            CommunityDay.day <= filters.end,
        )
        .group_by(CommunityDay.community_id)
    )
    figures = {cid: [v or 0 for v in values] for cid, *values in db.session.execute(stmt)}
    days = (filters.end - filters.start).days + 1
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
        figures=[(k.capitalize(), cell(weekly.total[k], "int")) for k in COUNTS],
        charts=[chart],
        tables=[weekly, _by_unit(filters, minimum), _by_community(filters, viewer, minimum)],
    )


register_section("engagement", engagement_section, order=20)
