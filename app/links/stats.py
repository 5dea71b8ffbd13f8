"""Which gems land: clicks, distinct clickers, saves and reactions per link and per curator.

Counted only over links the viewer can see; comms officers see everyone's, a curator their own.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, distinct, func, select

from app.errors import PermissionDenied
from app.extensions import db
from app.models import CuratedLink, LinkClick, LinkSave, Reaction, User, utcnow
from app.permissions import has_role
from app.permissions.links import can_curate, can_see_link_stats, visible_links

PERIODS = {7: "Last 7 days", 30: "Last 30 days", 90: "Last 90 days", 365: "Last year"}
DEFAULT_PERIOD = 30
MAX_ROWS = 200


@dataclass
class LinkStats:
    """One link's numbers."""

    link: CuratedLink
    clicks: int
    clickers: int
    saves: int
    reactions: int

    @property
    def replies(self) -> int:
        """Replies in the link's thread."""
        return self.link.post.reply_count


@dataclass
class CuratorStats:
    """One curator's links and what they drew."""

    curator: User
    links: int
    clicks: int
    clickers: int
    saves: int
    reactions: int


def _counts():
    link = CuratedLink
    return (
        select(func.count(LinkClick.id)).where(LinkClick.link_id == link.id).scalar_subquery(),
        select(func.count(distinct(LinkClick.user_id))).where(LinkClick.link_id == link.id).scalar_subquery(),
        select(func.count(LinkSave.id)).where(LinkSave.link_id == link.id).scalar_subquery(),
        select(func.count()).select_from(Reaction).where(Reaction.post_id == link.post_id).scalar_subquery(),
    )


def _scope(viewer: User, days: int | None) -> Select:
    if not can_curate(viewer):
        raise PermissionDenied("Link numbers are for comms officers and curators.")
    stmt = visible_links(viewer)
    if not has_role(viewer, "comms"):
        stmt = stmt.where(CuratedLink.curator_id == viewer.id)
    if days:
        stmt = stmt.where(CuratedLink.created_at >= utcnow() - timedelta(days=days))
    return stmt


def link_stats(viewer: User, days: int | None = DEFAULT_PERIOD) -> list[LinkStats]:
    """Per-link numbers for the period, newest link first (one query)."""
    stmt = _scope(viewer, days).add_columns(*_counts()).order_by(CuratedLink.id.desc()).limit(MAX_ROWS)
    return [LinkStats(link, *numbers) for link, *numbers in db.session.execute(stmt).unique()]


def curator_stats(viewer: User, days: int | None = DEFAULT_PERIOD) -> list[CuratorStats]:
    """Per-curator totals for the period, most clicked first (three queries)."""
    scope = _scope(viewer, days)
    clicks, _clickers, saves, reactions = _counts()
    per_link = (
        scope.with_only_columns(
            CuratedLink.id.label("id"),
            CuratedLink.curator_id.label("curator_id"),
            clicks.label("clicks"),
            saves.label("saves"),
            reactions.label("reactions"),
        )
        .order_by(None)
        .subquery()
    )
    totals = db.session.execute(
        select(
            per_link.c.curator_id,
            func.count(),
            func.coalesce(func.sum(per_link.c.clicks), 0),
            func.coalesce(func.sum(per_link.c.saves), 0),
            func.coalesce(func.sum(per_link.c.reactions), 0),
        ).group_by(per_link.c.curator_id)
    ).all()
    reached = dict(
        db.session.execute(
            select(per_link.c.curator_id, func.count(distinct(LinkClick.user_id)))
            .join(LinkClick, LinkClick.link_id == per_link.c.id)
            .group_by(per_link.c.curator_id)
        ).all()
    )
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([t[0] for t in totals])))}
    rows = [
        CuratorStats(people[cid], links, int(clicks), reached.get(cid, 0), int(saves), int(reactions))
        for cid, links, clicks, saves, reactions in totals
    ]
    return sorted(rows, key=lambda r: (-r.clicks, r.curator.name))


def one_link_stats(viewer: User, link: CuratedLink) -> LinkStats:
    """The numbers for one link (its curator, and comms officers who can see it)."""
    if not can_see_link_stats(viewer, link):
        raise PermissionDenied("Only comms officers and the link's curator see its numbers.")
    numbers = db.session.execute(select(*_counts()).where(CuratedLink.id == link.id)).one()
    return LinkStats(link, *numbers)
