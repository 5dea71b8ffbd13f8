"""The daily roll-up: raw views and the day's posts, replies and reactions become small per-day tables.

The job (`insights_rollup`) recomputes yesterday and today every few minutes, so late views and
removed reactions are caught; `flask insights rollup --since` rebuilds any range. The dashboard
reads only what this writes (and never post_views).
"""

from collections import defaultdict
from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import delete, func, insert, literal, select

from app.db import writing
from app.extensions import db
from app.insights.filters import monday
from app.jobs import task
from app.models import (
    CommunityDay,
    ContributionDay,
    CuratedLink,
    LinkClick,
    ObjectiveDay,
    ObjectiveViewer,
    PersonDay,
    PersonWeek,
    Post,
    PostView,
    PostViewDay,
    Reaction,
    Reply,
    RollupState,
    utcnow,
)

MARK = "rolled_up_at"
MAX_BACKFILL_DAYS = 400
DAY_TABLES = (PostViewDay, PersonDay, CommunityDay, ObjectiveDay, ContributionDay)


def _bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, UTC)
    return start, start + timedelta(days=1)


def _activity(day: date) -> dict[str, list]:
    """(person, community, objective, post kind, count) for each kind of activity on the day, grouped in SQL."""
    t0, t1 = _bounds(day)
    counted = (Post.status != "deleted", Post.kind != "milestone")  # celebrations are nobody's activity
    sources = {
        "posts": (
            Post.author_id,
            select().select_from(Post).where(Post.created_at >= t0, Post.created_at < t1, *counted),
        ),
        "replies": (
            Reply.author_id,
            select()
            .select_from(Reply)
            .join(Post, Post.id == Reply.post_id)
            .where(Reply.created_at >= t0, Reply.created_at < t1, Reply.status != "deleted", *counted),
        ),
        "reactions": (
            Reaction.user_id,
            select()
            .select_from(Reaction)
            .join(Post, Post.id == Reaction.post_id)
            .where(Reaction.created_at >= t0, Reaction.created_at < t1, *counted),
        ),
        "views": (
            PostView.user_id,
            select().select_from(PostView).join(Post, Post.id == PostView.post_id).where(PostView.day == day),
        ),
    }
    out = {}
    for name, (person, stmt) in sources.items():
        keys = (person, Post.community_id, Post.objective_id, Post.kind)
        out[name] = db.session.execute(stmt.add_columns(*keys, func.count()).group_by(*keys)).all()
    return out


def rollup_day(day: date) -> None:
    """Replace the day's rows in every roll-up table (flushes; the caller commits)."""
    for table in DAY_TABLES:
        db.session.execute(delete(table).where(table.day == day))
    week = monday(day)
    view_rows = db.session.execute(
        select(PostView.post_id, func.count()).where(PostView.day == day).group_by(PostView.post_id)
    ).all()
    if view_rows:
        db.session.execute(
            insert(PostViewDay), [{"day": day, "post_id": p, "viewers": n} for p, n in view_rows]
        )

    people: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    communities: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    community_people: dict[int, set[int]] = defaultdict(set)
    objectives: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    objective_viewers: dict[int, set[int]] = defaultdict(set)
    contributions: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    t0, t1 = _bounds(day)
    clicks = select(Post.objective_id, func.count()).select_from(LinkClick)
    clicks = clicks.join(CuratedLink, CuratedLink.id == LinkClick.link_id).join(
        Post, Post.id == CuratedLink.post_id
    )
    for objective, n in db.session.execute(
        clicks.where(
            LinkClick.created_at >= t0, LinkClick.created_at < t1, Post.objective_id.is_not(None)
        ).group_by(Post.objective_id)
    ):
        objectives[objective]["link_clicks"] += n
    for kind, rows in _activity(day).items():
        for person, community, objective, post_kind, n in rows:
            people[person][kind] += n
            community_people[community].add(person)
            if kind != "views":
                communities[community][kind] += n
            if kind in ("posts", "replies") and post_kind != "update":
                contributions[(community, person)][kind] += n  # updates have their own section
            if objective is None:
                continue
            if kind == "views":
                objective_viewers[objective].add(person)
            else:
                objectives[objective]["items" if kind == "posts" else kind] += n
    _insert(
        PersonDay,
        [
            {
                "day": day,
                "week": week,
                "user_id": uid,
                **{k: c[k] for k in ("posts", "replies", "reactions", "views")},
            }
            for uid, c in people.items()
        ],
    )
    _insert(
        CommunityDay,
        [
            {
                "day": day,
                "week": week,
                "community_id": cid,
                "posts": communities[cid]["posts"],
                "replies": communities[cid]["replies"],
                "reactions": communities[cid]["reactions"],
                "active_people": len(members),
            }
            for cid, members in community_people.items()
        ],
    )
    _insert(
        ObjectiveDay,
        [
            {
                "day": day,
                "week": week,
                "objective_id": oid,
                "items": objectives[oid]["items"],
                "replies": objectives[oid]["replies"],
                "reactions": objectives[oid]["reactions"],
                "viewers": len(objective_viewers[oid]),
                "link_clicks": objectives[oid]["link_clicks"],
            }
            for oid in set(objectives) | set(objective_viewers)
        ],
    )
    _insert(
        ContributionDay,
        [
            {"day": day, "community_id": cid, "user_id": uid, "posts": c["posts"], "replies": c["replies"]}
            for (cid, uid), c in contributions.items()
        ],
    )
    db.session.flush()


def _insert(model, rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(model), rows)


def rollup_week(week: date) -> None:
    """Rebuild a week's tables from its days: person_weeks, and distinct people reached per objective."""
    db.session.execute(delete(PersonWeek).where(PersonWeek.week == week))
    db.session.execute(delete(ObjectiveViewer).where(ObjectiveViewer.week == week))
    sums = select(
        PersonDay.week,
        PersonDay.user_id,
        func.sum(PersonDay.posts),
        func.sum(PersonDay.replies),
        func.sum(PersonDay.reactions),
        func.sum(PersonDay.views),
    ).where(PersonDay.week == week)
    db.session.execute(
        insert(PersonWeek).from_select(
            ["week", "user_id", "posts", "replies", "reactions", "views"],
            sums.group_by(PersonDay.week, PersonDay.user_id),
        )
    )
    reached = (
        select(literal(week), Post.objective_id, PostView.user_id)
        .distinct()
        .join(Post, Post.id == PostView.post_id)
        .where(PostView.day >= week, PostView.day < week + timedelta(days=7), Post.objective_id.is_not(None))
    )
    db.session.execute(insert(ObjectiveViewer).from_select(["week", "objective_id", "user_id"], reached))
    db.session.flush()


def rollup_range(since: date, until: date, step: Callable[[], AbstractContextManager] = nullcontext) -> int:
    """Roll up every day from since to until (inclusive), then the weeks they fall in; returns days.

    Each day and each week runs inside `step()` (the jobs worker passes one that commits it)."""
    days = [since + timedelta(days=n) for n in range((until - since).days + 1)]
    for day in days:
        with step():
            rollup_day(day)
    for week in sorted({monday(day) for day in days}):
        with step():
            rollup_week(week)
    return len(days)


def last_rollup() -> datetime | None:
    """When the roll-up last ran (the dashboard says how fresh its figures are)."""
    row = db.session.get(RollupState, MARK)
    return row.at if row else None


def _first_activity_day(today: date) -> date:
    first = db.session.scalar(select(func.min(Post.created_at)))
    if first is None:
        return today
    return max(first.date(), today - timedelta(days=MAX_BACKFILL_DAYS))


def _due(now: datetime, force: bool) -> tuple[date, date] | None:
    """The days the next roll-up covers (from the day before the last run to today), or None when it
    is not yet time (INSIGHTS_ROLLUP_SECONDS). The first run backfills from the first post (up to
    400 days)."""
    mark = db.session.get(RollupState, MARK)
    interval = current_app.config.get("INSIGHTS_ROLLUP_SECONDS", 300)
    if mark is not None and not force and (now - mark.at).total_seconds() < interval:
        return None
    today = now.date()
    since = mark.at.date() - timedelta(days=1) if mark is not None else _first_activity_day(today)
    return min(since, today), today


def _mark(now: datetime) -> None:
    mark = db.session.get(RollupState, MARK)
    if mark is None:
        db.session.add(RollupState(name=MARK, at=now))
    else:
        mark.at = now
    db.session.flush()


def run_rollup(now: datetime | None = None, force: bool = False) -> int | None:
    """Roll up the days that are due (see _due) in the caller's transaction; returns days rolled up,
    or None when it is not yet time."""
    now = now or utcnow()
    due = _due(now, force)
    if due is None:
        return None
    done = rollup_range(*due)
    _mark(now)
    return done


@task("insights_rollup")
def rollup_task() -> int | None:
    """The periodic roll-up, one write transaction per day and per week: a first run backfills up to a
    year, and as one transaction it held SQLite's only write lock for minutes (posting answered 503)."""
    now = utcnow()
    due = _due(now, force=False)
    db.session.rollback()  # end the read before the writes
    if due is None:
        return None
    done = rollup_range(*due, step=_committed)
    with _committed():
        _mark(now)  # only once every day is in: a run that dies part-way starts again from the start
    return done


@contextmanager
def _committed():
    """One write transaction, committed at the end."""
    with writing():
        yield
        db.session.commit()
