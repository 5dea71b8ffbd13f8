"""The Curated page (today's and this week's picks, by topic), earlier picks and my bookmarks."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, select

from app.extensions import db
from app.feeds.queries import PAGE_SIZE, Page, decorate
from app.links.cards import EXTRA
from app.models import CuratedLink, LinkSave, Post, PostTopic, Topic, User, utcnow
from app.permissions import visible_community_ids

MAX_PICKS = 200  # a week of curation is a few dozen links; this bounds a very busy one
NO_TOPIC = ""


def link_posts(viewer: User, topic: str | None = None) -> Select[tuple[Post]]:
    """Visible link posts the person may read, newest first (optionally with one topic)."""
    stmt = (
        select(Post)
        .join(CuratedLink, CuratedLink.post_id == Post.id)
        .where(
            Post.kind == "link",
            Post.status == "visible",
            Post.community_id.in_(visible_community_ids(viewer)),
        )
        .order_by(Post.id.desc())
    )
    if topic:
        stmt = stmt.where(
            Post.id.in_(
                select(PostTopic.post_id)
                .join(Topic, Topic.id == PostTopic.topic_id)
                .where(Topic.name == topic)
            )
        )
    return stmt


def day_start(now: datetime) -> datetime:
    """Midnight today in the organisation's time zone (ORG_TIMEZONE, default Europe/London)."""
    zone = ZoneInfo(current_app.config.get("ORG_TIMEZONE", "Europe/London"))
    local = now.astimezone(zone)
    return datetime.combine(local.date(), time(0), tzinfo=zone)


@dataclass
class Picks:
    """The Curated page: today's picks, the rest of the week grouped by topic, and topic counts."""

    page: Page
    today: list[Post] = field(default_factory=list)
    week: list[tuple[str, list[Post]]] = field(default_factory=list)
    topics: list[tuple[str, int]] = field(default_factory=list)


def curated_picks(viewer: User, topic: str | None = None, now: datetime | None = None) -> Picks:
    """Today's and the previous six days' picks; a link shared to several of my communities shows once."""
    today = day_start(now or utcnow())
    since = today - timedelta(days=6)
    posts = list(
        db.session.scalars(
            link_posts(viewer).where(CuratedLink.created_at >= since).limit(MAX_PICKS)
        ).unique()
    )
    page = decorate(viewer, posts)
    seen: set[str] = set()
    week: list[Post] = []
    for post in posts:
        card = page.extra(EXTRA, post)
        if card is None or card.link.share_id in seen:
            continue
        seen.add(card.link.share_id)
        week.append(post)
    counts = Counter(name for post in week for name in page.extra(EXTRA, post).topics)
    if topic:
        week = [p for p in week if topic in page.extra(EXTRA, p).topics]
    picks = Picks(page=page, topics=sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    groups: dict[str, list[Post]] = {}
    for post in week:
        if post.created_at >= today:
            picks.today.append(post)
            continue
        names = page.extra(EXTRA, post).topics
        primary = topic if topic else (names[0] if names else NO_TOPIC)
        groups.setdefault(primary, []).append(post)
    picks.week = sorted(groups.items(), key=lambda item: (item[0] == NO_TOPIC, item[0]))
    return picks


def saved_links(viewer: User) -> Select[tuple[LinkSave]]:
    """My saves of links I can still see, most recently saved first."""
    return (
        select(LinkSave)
        .join(CuratedLink, CuratedLink.id == LinkSave.link_id)
        .join(Post, Post.id == CuratedLink.post_id)
        .where(
            LinkSave.user_id == viewer.id,
            Post.status == "visible",
            Post.community_id.in_(visible_community_ids(viewer)),
        )
        .order_by(LinkSave.id.desc())
    )


def bookmarks_page(viewer: User, cursor: int | None = None, limit: int = PAGE_SIZE) -> Page:
    """A page of my saved links as post cards; the cursor is the last save's id."""
    stmt = saved_links(viewer)
    if cursor is not None:
        stmt = stmt.where(LinkSave.id < cursor)
    saves = list(db.session.scalars(stmt.limit(limit + 1)).unique())
    more, saves = len(saves) > limit, saves[:limit]
    return decorate(viewer, [s.link.post for s in saves], saves[-1].id if more and saves else None)
