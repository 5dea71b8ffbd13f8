"""Milestones: a community reaching 50, 100, 500 ... members, or an objective passing a target the admin
set, gets an automatic celebration post (kind "milestone"), once each."""

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from app import events
from app.communities.services import all_staff, insert_once
from app.db import writing
from app.extensions import db
from app.insights.objective_stats import objective_totals
from app.jobs import task
from app.models import (
    Community,
    Membership,
    Milestone,
    Objective,
    ObjectiveTarget,
    Post,
    RollupState,
    User,
    utcnow,
)
from app.objectives.services import TARGET_LABELS
from app.posts.rendering import render_body

MEMBER_MILESTONES = (50, 100, 500, 1000, 5000, 10000, 50000)


def _active(user: User | None) -> bool:
    return user is not None and user.deactivated_at is None and user.email_confirmed_at is not None


def _earliest_admin() -> User | None:
    return db.session.scalar(
        select(User)
        .where(User.role == "admin", User.deactivated_at.is_(None), User.email_confirmed_at.is_not(None))
        .order_by(User.id)
        .limit(1)
    )


def _community_voice(community: Community) -> User | None:
    """Who a community's celebration is posted as: its creator, else its first owner, else an admin."""
    if _active(community.created_by):
        return community.created_by
    owner = db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.community_id == community.id,
            Membership.role == "owner",
            User.deactivated_at.is_(None),
        )
        .order_by(Membership.created_at)
        .limit(1)
    )
    return owner or _earliest_admin()


def _celebrate(author: User, community: Community, body: str, objective_id: int | None = None) -> Post:
    rendered, _ = render_body(body)
    post = Post(
        author=author,
        community=community,
        kind="milestone",
        body_source=body,
        body_html=rendered.html,
        render_version=rendered.version,
        objective_id=objective_id,
    )
    db.session.add(post)
    db.session.flush()
    events.record(
        "post_created",
        actor=author,
        community_id=community.id,
        post_id=post.id,
        author_id=author.id,
        topics=[],
    )
    return post


def _claim(key: str, post_author: User | None, **values) -> bool:
    """Record a milestone once, whatever runs concurrently; False if it was already celebrated."""
    if post_author is None:
        return False  # nobody to post as yet: try again on a later pass
    return insert_once(Milestone, key=key, **values)


def community_milestones() -> int:
    """Celebrate communities that reached a member milestone (only the highest new one is posted)."""
    counts = db.session.execute(
        select(Membership.community_id, func.count())
        .join(User, User.id == Membership.user_id)
        .where(User.deactivated_at.is_(None), User.email_confirmed_at.is_not(None))
        .group_by(Membership.community_id)
        .having(func.count() >= MEMBER_MILESTONES[0])
    ).all()
    if not counts:
        return 0
    done = set(db.session.scalars(select(Milestone.key).where(Milestone.metric == "members")))
    posted = 0
    for community_id, members in counts:
        reached = [
            t
            for t in MEMBER_MILESTONES
            if t <= members and f"community:{community_id}:members:{t}" not in done
        ]
        if not reached:
            continue
        community = db.session.get(Community, community_id)
        if community.is_archived:
            continue
        author = _community_voice(community)
        top = max(reached)
        for threshold in reached:  # lower ones are passed silently: one celebration, not several
            key = f"community:{community_id}:members:{threshold}"
            if (
                _claim(key, author, community_id=community_id, metric="members", threshold=threshold)
                and threshold == top
            ):
                post = _celebrate(
                    author,
                    community,
                    f"🎉 **{community.name}** now has **{top:,} members**. Thank you to everyone who joined, "
                    "posted and helped it grow.",
                )
                db.session.execute(
                    Milestone.__table__.update().where(Milestone.key == key).values(post_id=post.id)
                )
                posted += 1
    return posted


def objective_milestones() -> int:
    """Celebrate objectives that passed a target the admin set (items, people reached, engagement)."""
    targets = db.session.execute(
        select(ObjectiveTarget, Objective)
        .join(Objective, Objective.id == ObjectiveTarget.objective_id)
        .where(Objective.archived_at.is_(None))
    ).all()
    if not targets:
        return 0
    totals = objective_totals(sorted({o.id for _, o in targets}))
    done = set(db.session.scalars(select(Milestone.key).where(Milestone.objective_id.is_not(None))))
    posted = 0
    for target, objective in targets:
        key = f"objective:{objective.id}:{target.metric}:{target.value}"
        if key in done or totals[objective.id][target.metric] < target.value:
            continue
        author = objective.owner if _active(objective.owner) else _earliest_admin()
        if _claim(key, author, objective_id=objective.id, metric=target.metric, threshold=target.value):
            post = _celebrate(
                author,
                all_staff(),
                f"🎉 **{objective.name}** has passed **{target.value:,} {TARGET_LABELS[target.metric]}**, "
                "the target we set. Thank you to everyone who contributed.",
                objective_id=objective.id,
            )
            db.session.execute(
                Milestone.__table__.update().where(Milestone.key == key).values(post_id=post.id)
            )
            posted += 1
    return posted


def run_milestones(now: datetime | None = None, force: bool = False) -> int | None:
    """Check every milestone, at most every INSIGHTS_ROLLUP_SECONDS (people reached needs the roll-up)."""
    now = now or utcnow()
    mark = db.session.get(RollupState, "milestones_at")
    interval = current_app.config.get("INSIGHTS_ROLLUP_SECONDS", 300)
    if mark is not None and not force and (now - mark.at).total_seconds() < interval:
        return None
    posted = community_milestones() + objective_milestones()
    if mark is None:
        db.session.add(RollupState(name="milestones_at", at=now))
    else:
        mark.at = now
    db.session.flush()
    return posted


@task("milestones")
def milestones_task() -> int | None:
    """Post celebrations for milestones reached since the last check."""
    with writing():
        posted = run_milestones()
        db.session.commit()
    return posted
