"""Insights and objectives in the governance registry: the per-person rows behind the dashboard (raw
post views, a person's daily and weekly figures, contributions per community, objective reach) have
retention periods and are in subject access downloads (and erased on request), as are HR imports and
objectives a person owns; a community's daily figures and milestones are in its disclosure exports.

The dashboard's aggregate tables (post_view_days, community_days, objective_days) hold no one's
identity and are kept: removing per-person rows leaves the counts already rolled up as they were.
"""

from datetime import date, timedelta

from sqlalchemy import delete, func, select, update

from app.extensions import db
from app.governance.registry import (
    DisclosureKind,
    PersonalData,
    RetentionKind,
    iso,
    register_disclosure,
    register_keep_rule,
    register_personal_data,
    register_retention,
)
from app.insights.rollup import MARK
from app.models import (
    Community,
    CommunityDay,
    ContributionDay,
    Establishment,
    Milestone,
    Objective,
    ObjectiveViewer,
    PersonDay,
    PersonWeek,
    Post,
    PostView,
    RollupState,
    User,
)


def _not_rolled_up(column):
    """Days the roll-up job still recomputes (yesterday and after its last run) are never removed:
    it would count them again without the rows and lose the figures."""

    def keep():
        state = db.session.get(RollupState, MARK)
        boundary = state.at.date() - timedelta(days=1) if state else date.min
        return column >= boundary

    return keep


def _post_community(column):
    return select(Post.community_id).where(Post.id == column).scalar_subquery()


_KINDS = (
    (
        "post_views",
        "Post views",
        "Which posts each person saw on screen, one row per person, post and day (the dashboard's daily "
        "viewer counts are rolled up from these and stay).",
        PostView,
        PostView.day,
        _post_community(PostView.post_id),
        (PostView.day, PostView.post_id, PostView.user_id),
    ),
    (
        "person_days",
        "Daily activity per person",
        "How many posts, replies, reactions and views each person had on each day (adoption and engagement "
        "figures for those days lose them).",
        PersonDay,
        PersonDay.day,
        None,
        (PersonDay.day, PersonDay.user_id),
    ),
    (
        "person_weeks",
        "Weekly activity per person",
        "The same figures per person and week.",
        PersonWeek,
        PersonWeek.week,
        None,
        (PersonWeek.week, PersonWeek.user_id),
    ),
    (
        "contribution_days",
        "Contributions per community",
        "Posts and replies each person wrote in each community on each day (for top contributors).",
        ContributionDay,
        ContributionDay.day,
        ContributionDay.community_id,
        (ContributionDay.day, ContributionDay.community_id, ContributionDay.user_id),
    ),
    (
        "objective_viewers",
        "Objective reach per person",
        "Who saw something tagged with an objective in each week (for people reached).",
        ObjectiveViewer,
        ObjectiveViewer.week,
        None,
        (ObjectiveViewer.week, ObjectiveViewer.objective_id, ObjectiveViewer.user_id),
    ),
)

for key, label, description, model, day_column, community, identity in _KINDS:
    register_retention(
        RetentionKind(
            key=key,
            label=label,
            description=description,
            model=model,
            timestamp=day_column,
            people=(model.user_id,),
            community=community,
            identity=identity,
        )
    )
    register_keep_rule(key, _not_rolled_up(day_column))


def _count(user: User) -> int:
    return sum(
        db.session.scalar(select(func.count()).select_from(model).where(model.user_id == user.id)) or 0
        for _, _, _, model, _, _, _ in _KINDS
    )


def _insights(user: User) -> list[dict]:
    def rows(model, *order):
        return db.session.scalars(select(model).where(model.user_id == user.id).order_by(*order))

    names = dict(db.session.execute(select(Community.id, Community.name)).all())
    objectives = dict(db.session.execute(select(Objective.id, Objective.name)).all())
    imports = db.session.scalars(select(Establishment).where(Establishment.imported_by_id == user.id))
    owned = db.session.scalars(select(Objective).where(Objective.owner_id == user.id).order_by(Objective.id))
    return (
        [
            {"saw_post_id": v.post_id, "day": v.day.isoformat()}
            for v in rows(PostView, PostView.day, PostView.post_id)
        ]
        + [
            {
                "day": d.day.isoformat(),
                "posts": d.posts,
                "replies": d.replies,
                "reactions": d.reactions,
                "views": d.views,
            }
            for d in rows(PersonDay, PersonDay.day)
        ]
        + [
            {
                "week": w.week.isoformat(),
                "posts": w.posts,
                "replies": w.replies,
                "reactions": w.reactions,
                "views": w.views,
            }
            for w in rows(PersonWeek, PersonWeek.week)
        ]
        + [
            {
                "day": c.day.isoformat(),
                "community": names.get(c.community_id),
                "posts": c.posts,
                "replies": c.replies,
            }
            for c in rows(ContributionDay, ContributionDay.day, ContributionDay.community_id)
        ]
        + [
            {"week": o.week.isoformat(), "saw_objective": objectives.get(o.objective_id)}
            for o in rows(ObjectiveViewer, ObjectiveViewer.week, ObjectiveViewer.objective_id)
        ]
        + [{"imported_hr_establishment_at": iso(e.imported_at), "unit_id": e.unit_id} for e in imports]
        + [{"owns_objective": o.name, "since": iso(o.created_at)} for o in owned]
    )


def _erase(user: User, credited_to: User) -> int:
    """Per-person figures go (the aggregate counts stay); HR imports and objectives forget them."""
    changed = 0
    for _, _, _, model, _, _, _ in _KINDS:
        changed += db.session.execute(delete(model).where(model.user_id == user.id)).rowcount or 0
    changed += db.session.execute(
        update(Establishment).where(Establishment.imported_by_id == user.id).values(imported_by_id=None)
    ).rowcount
    changed += db.session.execute(
        update(Objective).where(Objective.owner_id == user.id).values(owner_id=None)
    ).rowcount
    return changed or 0


register_personal_data(
    PersonalData(
        "insights",
        "Activity figures",
        "Posts you saw (by day), your daily and weekly activity counts, your contributions per community, "
        "objectives whose items you saw, HR headcount imports you made and objectives you own.",
        _insights,
        erase=_erase,
        count=_count,
    )
)


def _disclosed_days(community, start, end) -> list[dict]:
    rows = db.session.scalars(
        select(CommunityDay)
        .where(
            CommunityDay.community_id == community.id,
            CommunityDay.day >= start.date(),
            CommunityDay.day < end.date(),
        )
        .order_by(CommunityDay.day)
    )
    return [
        {
            "day": d.day.isoformat(),
            "posts": d.posts,
            "replies": d.replies,
            "reactions": d.reactions,
            "active_people": d.active_people,
        }
        for d in rows
    ]


register_disclosure(
    DisclosureKind(
        "community_activity",
        "Daily activity figures",
        ("day", "posts", "replies", "reactions", "active_people"),
        _disclosed_days,
    )
)


def _disclosed_milestones(community, start, end) -> list[dict]:
    rows = db.session.scalars(
        select(Milestone)
        .where(
            Milestone.community_id == community.id, Milestone.reached_at >= start, Milestone.reached_at < end
        )
        .order_by(Milestone.id)
    )
    return [
        {"metric": m.metric, "threshold": m.threshold, "post_id": m.post_id, "reached_at": iso(m.reached_at)}
        for m in rows
    ]


register_disclosure(
    DisclosureKind(
        "milestones",
        "Milestones celebrated",
        ("metric", "threshold", "post_id", "reached_at"),
        _disclosed_milestones,
    )
)
