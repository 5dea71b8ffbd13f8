"""Lunch-and-learn sessions on the dashboard: RSVPs, attendance and rating per session.

Sessions starting in the date range, in communities the viewer can read (the community filter keeps
one). RSVPs, attendance and ratings count people in the unit filter. A session whose community has
fewer people than the privacy threshold is only shown inside a combined row.
"""

from flask import url_for
from sqlalchemy import func, select

from app.extensions import db
from app.insights import charts
from app.insights.engagement import member_counts
from app.insights.filters import Filters, unit_clause
from app.insights.privacy import suppress
from app.insights.sections import Section, register_section
from app.insights.tables import Column, Table, link, percent
from app.models import LearningSession, Post, SessionFeedback, SessionRsvp, User, utcnow
from app.permissions import visible_community_ids

COUNTS = ("going", "maybe", "cant", "waiting", "attended", "marked", "ratings", "rating_sum")
CHARTED = 12


def _sessions(filters: Filters, viewer: User) -> list[LearningSession]:
    stmt = (
        select(LearningSession)
        .join(Post, Post.id == LearningSession.post_id)
        .where(
            Post.status == "visible",
            LearningSession.community_id.in_(visible_community_ids(viewer)),
            LearningSession.starts_at >= filters.start_at,
            LearningSession.starts_at < filters.end_at,
        )
        .order_by(LearningSession.starts_at, LearningSession.id)
    )
    if filters.community is not None:
        stmt = stmt.where(LearningSession.community_id == filters.community.id)
    return list(db.session.scalars(stmt).unique())


def _figures(filters: Filters, ids: list[int]) -> dict[int, dict]:
    """{session id: RSVPs by answer, attended, marked, ratings, rating sum}: two grouped queries."""
    found = {sid: dict.fromkeys(COUNTS, 0) for sid in ids}
    if not ids:
        return found
    status = SessionRsvp.status
    rsvps = (
        select(
            SessionRsvp.session_id,
            func.count().filter(status == "going"),
            func.count().filter(status == "maybe"),
            func.count().filter(status == "cant"),
            func.count().filter(status == "waiting"),
            func.count().filter(SessionRsvp.attended.is_(True)),
            func.count(SessionRsvp.attended),
        )
        .join(User, User.id == SessionRsvp.user_id)
        .where(SessionRsvp.session_id.in_(ids), unit_clause(filters))
        .group_by(SessionRsvp.session_id)
    )
    for sid, *values in db.session.execute(rsvps):
        found[sid].update(zip(COUNTS[:6], values, strict=True))
    ratings = (
        select(SessionFeedback.session_id, func.count(), func.sum(SessionFeedback.rating))
        .join(User, User.id == SessionFeedback.user_id)
        .where(SessionFeedback.session_id.in_(ids), unit_clause(filters))
        .group_by(SessionFeedback.session_id)
    )
    for sid, n, total in db.session.execute(ratings):
        found[sid].update(ratings=n, rating_sum=total or 0)
    return found


def _finish(row: dict) -> dict:
    """Attendance rate (of those going, once attendance is marked) and average rating."""
    row["pct_attended"] = percent(row["attended"], row["going"]) if row.get("marked") else None
    row["rating"] = round(row["rating_sum"] / row["ratings"], 1) if row.get("ratings") else None
    return row


def sessions_section(filters: Filters, viewer: User, minimum: int) -> Section:
    """Per session: going / maybe / can't / waiting, attended, attendance rate, ratings and average."""
    sessions = _sessions(filters, viewer)
    figures = _figures(filters, [s.id for s in sessions])
    members = member_counts({s.community_id for s in sessions})
    now = utcnow()
    rows = []
    for s in sessions:
        state = "Cancelled" if s.cancelled_at else ("Held" if s.ends_at <= now else "Upcoming")
        rows.append(
            {
                "label": s.title,
                "name": link(s.title, url_for("learning.show", session_id=s.id)),
                "day": s.starts_at.date(),
                "state": state,
                "held": 1 if state == "Held" else 0,
                "audience": members.get(s.community_id, 0),
                **figures[s.id],
            }
        )
    keys = ["audience", "held", *COUNTS]
    shown, combined = suppress(
        rows, lambda r: r["audience"], minimum, f"Sessions for communities under {minimum} people", keys
    )
    total = {k: sum(r[k] for r in rows) for k in keys} | {"label": "All"}
    for row in [*shown, *([combined] if combined else []), total]:
        _finish(row)
    table = Table(
        name="sessions",
        title="Lunch-and-learn sessions",
        columns=[
            Column("label", "Session", "text"),
            Column("day", "Date", "date"),
            Column("state", "Status", "text"),
            Column("going", "Going"),
            Column("maybe", "Maybe"),
            Column("cant", "Can't"),
            Column("waiting", "Waiting list"),
            Column("attended", "Attended"),
            Column("pct_attended", "Attended, % of going", "pct"),
            Column("ratings", "Ratings"),
            Column("rating", "Average rating (1–5)", "decimal"),
        ],
        rows=shown + ([combined] if combined else []),
        total=total,
        note=f"Sessions for communities with fewer than {minimum} people are shown combined. "
        "Attendance is what hosts marked; a dash means it isn't marked yet.",
        empty="No sessions started in this period.",
    )
    section = Section(
        name="sessions",
        title="Lunch-and-learn sessions",
        intro="Replies, attendance and ratings for sessions starting in the period.",
        figures=[
            ("Sessions held", f"{total['held']:,}"),
            ("Going (RSVPs)", f"{total['going']:,}"),
            ("Attended", f"{total['attended']:,}"),
            ("Average rating", f"{total['rating']:.1f} of 5" if total["rating"] is not None else "—"),
        ],
        tables=[table],
    )
    held = [r for r in shown if r["state"] == "Held"][-CHARTED:]
    if held:
        section.charts.append(
            charts.bar_chart(
                "People who attended each session held",
                [r["label"] for r in held],
                [r["attended"] if r["marked"] else None for r in held],
                "People attended",
            )
        )
    return section


register_section("sessions", sessions_section, order=80)
