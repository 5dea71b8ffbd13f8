"""Top contributors, and communities that went quiet."""

from datetime import timedelta

from flask import url_for
from sqlalchemy import case, func, select

from app.extensions import db
from app.insights.engagement import member_counts
from app.insights.filters import Filters, unit_clause
from app.insights.sections import Section, register_section
from app.insights.tables import Column, Table, cell, link, percent
from app.models import Community, CommunityDay, ContributionDay, User
from app.permissions import listed_communities, visible_community_ids

QUIET_WINDOW = 28


def contributors_section(filters: Filters, viewer: User, minimum: int) -> Section:
    """The people who wrote most in the period, counting only what the viewer can read anyway."""
    # From the roll-up, counting only communities the viewer can read (updates have their own section).
    posts, replies = func.sum(ContributionDay.posts), func.sum(ContributionDay.replies)
    stmt = (
        select(ContributionDay.user_id, posts, replies)
        .join(User, User.id == ContributionDay.user_id)
        .where(
            ContributionDay.day >= filters.start,
            ContributionDay.day <= filters.end,
            ContributionDay.community_id.in_(visible_community_ids(viewer)),
            unit_clause(filters),
        )
        .group_by(ContributionDay.user_id, User.name)
        .order_by((posts + replies).desc(), User.name)
        .limit(10)
    )
    if filters.community is not None:
        stmt = stmt.where(ContributionDay.community_id == filters.community.id)
    counts = {uid: {"posts": p or 0, "replies": r or 0} for uid, p, r in db.session.execute(stmt)}
    people = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(counts))))} if counts else {}
    )
    rows = sorted(
        (
            {
                "label": people[uid].name,
                "name": link(people[uid].name, url_for("people.profile", user_id=uid)),
                "unit": people[uid].unit.name if people[uid].unit else "",
                **c,
                "total": c["posts"] + c["replies"],
            }
            for uid, c in counts.items()
        ),
        key=lambda r: (-r["total"], r["label"]),
    )[:10]
    return Section(
        name="contributors",
        title="Top contributors",
        intro="Posts and replies in communities you can read, so every name here is one you could see anyway.",
        tables=[
            Table(
                name="top_contributors",
                title="Top contributors",
                columns=[
                    Column("label", "Person", "text"),
                    Column("unit", "Unit", "text"),
                    Column("posts", "Posts"),
                    Column("replies", "Replies"),
                    Column("total", "Total"),
                ],
                rows=rows,
                empty="Nobody has posted or replied in this period.",
            )
        ],
    )


def quiet_section(filters: Filters, viewer: User, minimum: int) -> Section:
    """Communities whose activity fell to a quarter or less of the four weeks before."""
    recent = filters.end - timedelta(days=QUIET_WINDOW - 1)
    earlier = recent - timedelta(days=QUIET_WINDOW)
    communities = list(
        db.session.scalars(
            listed_communities(viewer).where(Community.archived_at.is_(None)).order_by(Community.name)
        )
    )
    members = member_counts([c.id for c in communities])
    activity = CommunityDay.posts + CommunityDay.replies + CommunityDay.reactions
    stmt = (
        select(
            CommunityDay.community_id,
            func.sum(case((CommunityDay.day >= recent, activity), else_=0)),
            func.sum(case((CommunityDay.day < recent, activity), else_=0)),
        )
        .where(
            CommunityDay.community_id.in_([c.id for c in communities]),
            CommunityDay.day >= earlier,
            CommunityDay.day <= filters.end,
        )
        .group_by(CommunityDay.community_id)
    )
    figures = {cid: (now or 0, before or 0) for cid, now, before in db.session.execute(stmt)}
    rows, small = [], 0
    for community in communities:
        now, before = figures.get(community.id, (0, 0))
        if before == 0 or now > before / 4:
            continue
        if members.get(community.id, 0) < minimum:
            small += 1
            continue
        rows.append(
            {
                "label": community.name,
                "name": link(community.name, url_for("communities.show", slug=community.slug)),
                "members": members.get(community.id, 0),
                "before": before,
                "now": now,
                "change": percent(now - before, before),
            }
        )
    rows.sort(key=lambda r: (r["change"], r["label"]))
    notes = [f"{small} smaller communities (under {minimum} members) also went quiet."] if small else []
    return Section(
        name="quiet",
        title="Communities that went quiet",
        intro=f"Posts, replies and reactions in the four weeks to {cell(filters.end, 'date')}, against the four weeks before.",
        notes=notes,
        tables=[
            Table(
                name="quiet_communities",
                title="Communities that went quiet",
                columns=[
                    Column("label", "Community", "text"),
                    Column("members", "Members"),
                    Column("before", "Previous four weeks"),
                    Column("now", "Last four weeks"),
                    Column("change", "Change", "pct"),
                ],
                rows=rows,
                empty="No community went quiet: every one with activity kept at least a quarter of it.",
            )
        ],
    )


register_section("contributors", contributors_section, order=30)
register_section("quiet", quiet_section, order=40)
