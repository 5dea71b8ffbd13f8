"""Curated links on the dashboard: clicks, people who clicked, saves and reactions per gem and per curator.

A gem is one share (share_id): a link shared to several communities at once is one row. Only the
communities the viewer can read count. Figures are events in the date range (clicks, saves and
reactions made then) by people in the unit filter; the community filter keeps links posted there.
"""

from flask import url_for
from sqlalchemy import distinct, func, or_, select

from app.extensions import db
from app.insights import charts
from app.insights.filters import Filters, unit_clause
from app.insights.privacy import suppress
from app.insights.sections import Section, register_section
from app.insights.tables import Column, Table, link
from app.models import CuratedLink, LinkClick, LinkSave, Membership, Post, Reaction, User
from app.permissions.links import visible_links

MAX_GEMS = 50
CHARTED = 10
COUNTS = ("clicks", "clickers", "saves", "reactions")


def _scope(filters: Filters, viewer: User):
    """The links the viewer can read (in the filtered community, if any), as a subquery."""
    stmt = visible_links(viewer).with_only_columns(
        CuratedLink.id,
        CuratedLink.share_id,
        CuratedLink.curator_id,
        CuratedLink.post_id,
        CuratedLink.created_at,
        Post.community_id,
    )
    if filters.community is not None:
        stmt = stmt.where(Post.community_id == filters.community.id)
    return stmt.subquery()


def _activity(scope, key, filters: Filters) -> dict:
    """{key: {clicks, clickers, saves, reactions}} in the range by people in the units, three queries."""
    t0, t1 = filters.start_at, filters.end_at
    found: dict = {}

    def add(stmt, names):
        for k, *values in db.session.execute(stmt.group_by(key)):
            found.setdefault(k, dict.fromkeys(COUNTS, 0)).update(zip(names, values, strict=True))

    add(
        select(key, func.count(LinkClick.id), func.count(distinct(LinkClick.user_id)))
        .join(LinkClick, LinkClick.link_id == scope.c.id)
        .join(User, User.id == LinkClick.user_id)
        .where(LinkClick.created_at >= t0, LinkClick.created_at < t1, unit_clause(filters)),
        ("clicks", "clickers"),
    )
    add(
        select(key, func.count(LinkSave.id))
        .join(LinkSave, LinkSave.link_id == scope.c.id)
        .join(User, User.id == LinkSave.user_id)
        .where(LinkSave.created_at >= t0, LinkSave.created_at < t1, unit_clause(filters)),
        ("saves",),
    )
    add(
        select(key, func.count())
        .join(Reaction, Reaction.post_id == scope.c.post_id)
        .join(User, User.id == Reaction.user_id)
        .where(
            # Stated twice so the planner looks reactions up by post (index) rather than scanning
            # every reaction in the range: 1.8 s -> ms at 500,000 reactions on SQLite.
            Reaction.post_id.in_(select(CuratedLink.post_id)),
            Reaction.created_at >= t0,
            Reaction.created_at < t1,
            unit_clause(filters),
        ),
        ("reactions",),
    )
    return found


def _shared(scope, key, filters: Filters) -> dict:
    """{key: gems shared in the range} (a gem counts once, however many communities it went to)."""
    stmt = select(key, func.count(distinct(scope.c.share_id))).where(
        scope.c.created_at >= filters.start_at, scope.c.created_at < filters.end_at
    )
    return dict(db.session.execute(stmt.group_by(key)).all())


def _gems(scope, filters: Filters, minimum: int) -> tuple[Table, dict]:
    activity = _activity(scope, scope.c.share_id, filters)
    in_range = or_(
        scope.c.created_at >= filters.start_at, scope.c.share_id.in_(list(activity))
    )  # shared in the range, or used in it
    meta = select(
        scope.c.share_id, func.min(scope.c.id), func.min(scope.c.created_at), scope.c.curator_id
    ).where(scope.c.created_at < filters.end_at, in_range)
    gems = db.session.execute(meta.group_by(scope.c.share_id, scope.c.curator_id)).all()
    audience = dict(
        db.session.execute(
            select(scope.c.share_id, func.count(distinct(Membership.user_id)))
            .join(Membership, Membership.community_id == scope.c.community_id)
            .join(User, User.id == Membership.user_id)
            .where(User.deactivated_at.is_(None), scope.c.share_id.in_([g[0] for g in gems]))
            .group_by(scope.c.share_id)
        ).all()
    )
    rows = [
        {
            "first_id": first_id,
            "shared": shared_at.date(),
            "audience": audience.get(share_id, 0),
            **activity.get(share_id, dict.fromkeys(COUNTS, 0)),
        }
        for share_id, first_id, shared_at, _curator in gems
    ]
    rows.sort(key=lambda r: (-r["clicks"], -r["saves"], r["shared"], r["first_id"]))
    keys = ["audience", *COUNTS]
    shown, combined = suppress(
        rows, lambda r: r["audience"], minimum, f"Links seen by under {minimum} people", keys
    )
    shown = shown[:MAX_GEMS]
    # Titles, curators and links only for the rows shown (a year can hold thousands of gems).
    links = {
        c.id: c
        for c in db.session.scalars(
            select(CuratedLink).where(CuratedLink.id.in_([r["first_id"] for r in shown]))
        ).unique()
    }
    for row in shown:
        first = links[row["first_id"]]
        row["label"], row["curator"] = first.display_title, first.curator.name
        row["name"] = link(first.display_title, url_for("links.show", link_id=first.id))
    if combined:
        combined["clickers"] = None  # distinct people can't be added up across links
    total = {k: sum(r[k] for r in rows) for k in ("clicks", "saves", "reactions")} | {"label": "All"}
    total["clickers"] = _distinct_clickers(scope, filters)
    table = Table(
        name="link_gems",
        title="Curated links",
        columns=[
            Column("label", "Link", "text"),
            Column("curator", "Curator", "text"),
            Column("shared", "Shared", "date"),
            Column("clicks", "Clicks"),
            Column("clickers", "People who clicked"),
            Column("saves", "Saves"),
            Column("reactions", "Reactions"),
        ],
        rows=shown + ([combined] if combined else []),
        total=total,
        note=f"The {MAX_GEMS} most clicked links shared or used in the period. Links whose communities have "
        f"fewer than {minimum} people are shown combined.",
        empty="No curated links were shared or clicked in this period.",
    )
    return table, total


def _distinct_clickers(scope, filters: Filters) -> int:
    stmt = (
        select(func.count(distinct(LinkClick.user_id)))
        .join(scope, scope.c.id == LinkClick.link_id)
        .join(User, User.id == LinkClick.user_id)
        .where(
            LinkClick.created_at >= filters.start_at,
            LinkClick.created_at < filters.end_at,
            unit_clause(filters),
        )
    )
    return db.session.scalar(stmt) or 0


def _curators(scope, filters: Filters) -> Table:
    activity = _activity(scope, scope.c.curator_id, filters)
    shared = _shared(scope, scope.c.curator_id, filters)
    ids = set(activity) | set(shared)
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    rows = sorted(
        (
            {
                "label": people[uid].name,
                "name": link(people[uid].name, url_for("people.profile", user_id=uid)),
                "gems": shared.get(uid, 0),
                **activity.get(uid, dict.fromkeys(COUNTS, 0)),
            }
            for uid in ids
        ),
        key=lambda r: (-r["clicks"], r["label"]),
    )
    return Table(
        name="link_curators",
        title="Curated links by curator",
        columns=[
            Column("label", "Curator", "text"),
            Column("gems", "Links shared"),
            Column("clicks", "Clicks"),
            Column("clickers", "People who clicked"),
            Column("saves", "Saves"),
            Column("reactions", "Reactions"),
        ],
        rows=rows,
        note="Curators are named on every link they share, so each one's figures are shown.",
        empty="No curator shared a link, or had one clicked, in this period.",
    )


def links_section(filters: Filters, viewer: User, minimum: int) -> Section:
    """Which gems land: per link and per curator, counted in SQL over links the viewer can read."""
    scope = _scope(filters, viewer)
    gems, total = _gems(scope, filters, minimum)
    shared = db.session.scalar(
        select(func.count(distinct(scope.c.share_id))).where(
            scope.c.created_at >= filters.start_at, scope.c.created_at < filters.end_at
        )
    )
    section = Section(
        name="links",
        title="Curated links",
        intro="Click-throughs, saves for later and reactions on the links comms and curators shared.",
        figures=[
            ("Links shared", f"{shared or 0:,}"),
            ("Clicks", f"{total['clicks']:,}"),
            ("People who clicked", f"{total['clickers']:,}"),
            ("Saves", f"{total['saves']:,}"),
        ],
        tables=[gems, _curators(scope, filters)],
    )
    top = [r for r in gems.rows if not r.get("combined") and r["clicks"]][:CHARTED]
    if top:
        section.charts.append(
            charts.bar_chart(
                "Clicks on the most clicked links",
                [r["label"] for r in top],
                [r["clicks"] for r in top],
                "Clicks",
            )
        )
    return section


register_section("links", links_section, order=70)
