"""Figures per objective: items tagged (by kind), people reached, engagement, sessions held and
attended and link clicks, all time or in a range."""

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.insights.filters import Filters, monday
from app.models import LearningSession, ObjectiveDay, ObjectiveViewer, Post, SessionRsvp, User, utcnow

# Kinds shown separately (links and sessions are built on other branches; they are Posts too).
KIND_COLUMNS = ("post", "update", "link", "session", "proposal")


def objective_totals(
    objective_ids: list[int], start: date | None = None, end: date | None = None, unit_ids=None
) -> dict[int, dict]:
    """{objective_id: {items, kinds, people_reached, replies, reactions, engagement, sessions_held,
    attended, link_clicks}}: four queries.

    Items are counted from the posts themselves (tagged, not removed, celebrations excluded); people
    reached (distinct people who saw any tagged item) and engagement come from the daily roll-up.
    Sessions held (ended, not cancelled) and the people marked as attending come from the sessions;
    link clicks from the roll-up. The unit filter narrows people reached and attendance to people in
    those units.
    """
    if not objective_ids:
        return {}
    totals = {
        oid: {
            "items": 0,
            "kinds": defaultdict(int),
            "people_reached": 0,
            "replies": 0,
            "reactions": 0,
            "sessions_held": 0,
            "attended": 0,
            "link_clicks": 0,
        }
        for oid in objective_ids
    }
    items = select(Post.objective_id, Post.kind, func.count()).where(
        Post.objective_id.in_(objective_ids), Post.status != "deleted", Post.kind != "milestone"
    )
    days = select(
        ObjectiveDay.objective_id,
        func.sum(ObjectiveDay.replies),
        func.sum(ObjectiveDay.reactions),
        func.sum(ObjectiveDay.link_clicks),
    ).where(ObjectiveDay.objective_id.in_(objective_ids))
    reach = select(ObjectiveViewer.objective_id, func.count(func.distinct(ObjectiveViewer.user_id))).where(
        ObjectiveViewer.objective_id.in_(objective_ids)
    )
    if start is not None and end is not None:
        bounds = Filters(start=start, end=end)
        items = items.where(Post.created_at >= bounds.start_at, Post.created_at < bounds.end_at)
        days = days.where(ObjectiveDay.day >= start, ObjectiveDay.day <= end)
        # people reached counts whole weeks (objective_viewers holds a person once per week)
        reach = reach.where(ObjectiveViewer.week >= monday(start), ObjectiveViewer.week <= monday(end))
    if unit_ids is not None:
        reach = reach.join(User, User.id == ObjectiveViewer.user_id).where(User.unit_id.in_(unit_ids))
    for oid, kind, n in db.session.execute(items.group_by(Post.objective_id, Post.kind)):
        totals[oid]["kinds"][kind] += n
        totals[oid]["items"] += n
    for oid, replies, reactions, clicks in db.session.execute(days.group_by(ObjectiveDay.objective_id)):
        totals[oid]["replies"], totals[oid]["reactions"] = replies or 0, reactions or 0
        totals[oid]["link_clicks"] = clicks or 0
    for oid, _start, held, attended in session_figures(objective_ids, start, end, unit_ids):
        totals[oid]["sessions_held"] += held
        totals[oid]["attended"] += attended
    for oid, people in db.session.execute(reach.group_by(ObjectiveViewer.objective_id)):
        totals[oid]["people_reached"] = people
    for row in totals.values():
        row["engagement"] = row["replies"] + row["reactions"]
    return totals


def session_figures(objective_ids: list[int], start: date | None, end: date | None, unit_ids=None) -> list:
    """(objective id, starts at, 1, attended) per session held (ended, not cancelled, tagged), one query.

    Attendance counts people the hosts marked as there (in the filtered units, if any). Sessions are
    few, so the caller buckets them by week.
    """
    if not objective_ids:
        return []
    marked = [SessionRsvp.attended.is_(True)]
    if unit_ids is not None:
        marked.append(User.unit_id.in_(unit_ids))  # only people in the filtered units count
    stmt = (
        select(Post.objective_id, LearningSession.starts_at, func.count(SessionRsvp.user_id).filter(*marked))
        .select_from(LearningSession)
        .join(Post, Post.id == LearningSession.post_id)
        .outerjoin(SessionRsvp, SessionRsvp.session_id == LearningSession.id)
        .outerjoin(User, User.id == SessionRsvp.user_id)
        .where(
            Post.objective_id.in_(objective_ids),
            Post.status != "deleted",
            LearningSession.cancelled_at.is_(None),
            LearningSession.ends_at <= utcnow(),
        )
        .group_by(LearningSession.id, Post.objective_id, LearningSession.starts_at)
    )
    if start is not None and end is not None:
        bounds = Filters(start=start, end=end)
        stmt = stmt.where(
            LearningSession.starts_at >= bounds.start_at, LearningSession.starts_at < bounds.end_at
        )
    return [(oid, starts_at, 1, n or 0) for oid, starts_at, n in db.session.execute(stmt)]
