"""Top contributors, and communities that went quiet."""

from collections import defaultdict
from datetime import timedelta

from flask import url_for
from sqlalchemy import case, func, select

from app.extensions import db
from app.insights.engagement import member_counts
from app.insights.filters import Filters, unit_clause
from app.insights.sections import Section, register_section
from app.insights.tables import Column, Table, cell, link, percent
from app.models import Community, CommunityDay, Post, Reply, User
from app.permissions import listed_communities, post_visibility_clause, visible_community_ids

QUIET_WINDOW = 28


def contributors_section(filters: Filters, viewer: User, minimum: int) -> Section:
    """The people who wrote most in the period, counting only what the viewer can read anyway."""
    readable = (
        Post.status == "visible",
        Post.kind != "milestone",
        Post.community_id.in_(visible_community_ids(viewer)),
        post_visibility_clause(viewer),
    )
    if filters.community is not None:
        readable = (*readable, Post.community_id == filters.community.id)
    in_range = (filters.start_at, filters.end_at)
    posts = (
        select(Post.author_id, func.count())
        .join(User, User.id == Post.author_id)
        .where(Post.created_at >= in_range[0], Post.created_at < in_range[1], *readable, unit_clause(filters))
        .group_by(Post.author_id)
    )
    replies = (
        select(Reply.author_id, func.count())
        .join(Post, Post.id == Reply.post_id)
        .join(User, User.id == Reply.author_id)
        .where(
            Reply.created_at >= in_range[0],
            Reply.created_at < in_range[1],
            Reply.status == "visible",
            *readable,
            unit_clause(filters),
        )
        .group_by(Reply.author_id)
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"posts": 0, "replies": 0})
    for uid, n in db.session.execute(posts):
        counts[uid]["posts"] = n
    for uid, n in db.session.execute(replies):
        counts[uid]["replies"] = n
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
