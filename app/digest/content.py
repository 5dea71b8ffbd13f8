"""What goes in one person's digest: editorial picks, leadership updates, sessions, conversations.

Every section applies the same rules: only posts the person may see now (app.permissions: one
visibility rule), never their own, nothing they already saw (post_views) or were notified of, nothing
sent to them in an earlier digest (digest_items), nothing from communities they muted. A constant
number of queries per person, whatever the number of items.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.orm import joinedload, lazyload

from app.digest import periods
from app.extensions import db
from app.leadership.digest import updates_for_digest
from app.models import (
    CuratedLink,
    DigestItem,
    DigestPin,
    DigestPreference,
    LearningSession,
    Membership,
    Notification,
    Post,
    PostView,
    Reaction,
    SessionRsvp,
    Update,
    User,
)
from app.permissions import post_visibility_clause, visible_community_ids

EDITORIAL_MAX = 5
SECTION_MAX = 5
CONVERSATION_KINDS = ("post", "milestone")
# Loading a curated link that was outer-joined: its own eager joins are inner joins, which would drop
# every row without a link; its post is the row's Post already (found in the identity map, no query).
OUTER_LINK = (joinedload(CuratedLink.curator, innerjoin=False), lazyload(CuratedLink.post))


@dataclass
class Pick:
    """An editorial item: a post, the curated link it carries (if any), and whether comms pinned it."""

    post: Post
    link: CuratedLink | None
    pinned: bool


@dataclass
class Digest:
    """One person's digest for one period."""

    user: User
    period: str
    key: str
    since: datetime
    editorial: list[Pick] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    sessions: list[LearningSession] = field(default_factory=list)
    conversations: list[Post] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """A digest with nothing in it is not sent."""
        return not self.item_count

    @property
    def item_count(self) -> int:
        """How many items it has, all sections together."""
        return len(self.editorial) + len(self.updates) + len(self.sessions) + len(self.conversations)

    def items(self) -> list[tuple[str, int]]:
        """(section, post id) for every item, for the digest_items rows."""
        return (
            [("editorial", p.post.id) for p in self.editorial]
            + [("updates", u.post_id) for u in self.updates]
            + [("sessions", s.post_id) for s in self.sessions]
            + [("conversations", p.id) for p in self.conversations]
        )


def _fresh(user: User, muted: list[int]) -> ColumnElement[bool]:
    """SQL over Post: visible to the person, not theirs, not seen, not notified, not sent before, not muted."""
    seen = exists().where(PostView.post_id == Post.id, PostView.user_id == user.id)
    notified = exists().where(
        Notification.user_id == user.id, Notification.data["post_id"].as_integer() == Post.id
    )
    sent = exists().where(DigestItem.post_id == Post.id, DigestItem.user_id == user.id)
    clause = and_(
        Post.status == "visible",
        Post.author_id != user.id,
        Post.community_id.in_(visible_community_ids(user)),
        post_visibility_clause(user),
        ~seen,
        ~notified,
        ~sent,
    )
    return and_(clause, Post.community_id.not_in(muted)) if muted else clause


def _editorial(user: User, fresh: ColumnElement[bool], since: datetime, at: datetime) -> list[Pick]:
    pinned = db.session.execute(
        select(Post, CuratedLink)
        .join(DigestPin, DigestPin.post_id == Post.id)
        .outerjoin(CuratedLink, CuratedLink.post_id == Post.id)
        .options(*OUTER_LINK)
        .where(DigestPin.expires_at > at, fresh)
        .order_by(DigestPin.created_at.desc(), DigestPin.id.desc())
        .limit(EDITORIAL_MAX)
    ).all()
    picks = [Pick(post, link, True) for post, link in pinned]
    links = db.session.scalars(
        select(CuratedLink)
        .join(Post, Post.id == CuratedLink.post_id)
        .where(CuratedLink.created_at >= since, fresh)
        .order_by(CuratedLink.id.desc())
        .limit(EDITORIAL_MAX * 2)  # one share can be a row per community: room to skip repeats
    ).all()
    shares = {p.link.share_id for p in picks if p.link is not None}
    taken = {p.post.id for p in picks}
    for link in links:
        if len(picks) >= EDITORIAL_MAX:
            break
        if link.share_id in shares or link.post_id in taken:
            continue
        shares.add(link.share_id)
        picks.append(Pick(link.post, link, False))
    return picks


def _updates(user: User, since: datetime) -> list[Update]:
    rows = updates_for_digest(user, since)
    if not rows:
        return []
    sent = set(
        db.session.scalars(
            select(DigestItem.post_id).where(
                DigestItem.user_id == user.id, DigestItem.post_id.in_([u.post_id for u in rows])
            )
        )
    )
    return [u for u in rows if u.post_id not in sent][:SECTION_MAX]


def _sessions(user: User, fresh: ColumnElement[bool], at: datetime) -> list[LearningSession]:
    replied = exists().where(SessionRsvp.session_id == LearningSession.id, SessionRsvp.user_id == user.id)
    return list(
        db.session.scalars(
            select(LearningSession)
            .join(Post, Post.id == LearningSession.post_id)
            .where(
                LearningSession.cancelled_at.is_(None),
                LearningSession.starts_at > at,
                LearningSession.starts_at <= at + periods.UPCOMING,
                ~replied,
                fresh,
            )
            .options(lazyload(LearningSession.hosts))
            .order_by(LearningSession.starts_at, LearningSession.id)
            .limit(SECTION_MAX)
        )
    )


def _conversations(user: User, fresh: ColumnElement[bool], since: datetime, skip: set[int]) -> list[Post]:
    reactions = (
        select(func.count())
        .select_from(Reaction)
        .where(Reaction.post_id == Post.id, Reaction.created_at >= since)
        .scalar_subquery()
    )
    mine = select(Membership.community_id).where(Membership.user_id == user.id)
    stmt = (
        select(Post)
        .where(
            Post.kind.in_(CONVERSATION_KINDS), Post.created_at >= since, Post.community_id.in_(mine), fresh
        )
        .order_by((Post.reply_count * 2 + reactions).desc(), Post.id.desc())
        .limit(SECTION_MAX + len(skip))
    )
    return [p for p in db.session.scalars(stmt) if p.id not in skip][:SECTION_MAX]


def build_digest(
    user: User, period: str, pref: DigestPreference | None = None, at: datetime | None = None
) -> Digest:
    """The person's digest for the period containing `at` (now), built from what they may see now."""
    at = at or periods.now()
    since = periods.window_start(period, at)
    digest = Digest(user=user, period=period, key=periods.period_key(period, at), since=since)
    if not user.is_active:
        return digest  # deactivated (or unconfirmed) people get nothing
    muted = list(pref.muted_community_ids or []) if pref is not None else []
    fresh = _fresh(user, muted)
    digest.editorial = _editorial(user, fresh, since, at)
    digest.updates = _updates(user, since)
    digest.sessions = _sessions(user, fresh, at)
    digest.conversations = _conversations(user, fresh, since, {p.post.id for p in digest.editorial})
    return digest
