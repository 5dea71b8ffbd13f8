"""Milestones (community member counts, objective targets: one celebration each), the daily roll-up
(late views, removed reactions, throttling, the CLI) and the job tasks being registered."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.insights import milestones
from app.insights.rollup import rollup_range, run_rollup
from app.jobs import TASKS
from app.models import (
    CommunityDay,
    Membership,
    Milestone,
    Objective,
    PersonDay,
    Post,
    PostView,
    PostViewDay,
    Reaction,
    User,
)
from app.objectives.services import create_objective
from app.posts.replies import react
from app.posts.services import create_post
from tests import factories

pytestmark = pytest.mark.usefixtures("ctx")


def people(n: int) -> list[User]:
    return [factories.make_user(name=f"Person {i}") for i in range(n)]


def milestone_posts() -> list[Post]:
    return list(db.session.scalars(select(Post).where(Post.kind == "milestone").order_by(Post.id)))


def test_the_job_tasks_are_registered():
    assert {"insights_rollup", "milestones", "update_reminder_emails"} <= set(TASKS)


def test_a_community_reaching_50_members_is_celebrated_once(comms):
    owner = db.session.get(User, comms.id)
    community = factories.make_community(owner, "public", "Neighbourhood Watch", people(48))
    assert milestones.community_milestones() == 0  # 49 members each, here and in All staff
    db.session.add(Membership(community_id=community.id, user_id=factories.make_user().id))
    db.session.commit()
    assert milestones.community_milestones() == 1
    [post] = milestone_posts()
    assert (post.community_id, post.author_id, post.kind) == (community.id, comms.id, "milestone")
    assert "Neighbourhood Watch" in post.body_html and "50 members" in post.body_html
    # All staff reached 50 too, but has nobody to post as until there is an admin: it waits, then posts
    admin = factories.make_user(name="Ada Admin", role="admin")
    assert milestones.community_milestones() == 1
    assert milestone_posts()[-1].community.is_all_staff and milestone_posts()[-1].author_id == admin.id
    assert "**51 members**" not in milestone_posts()[-1].body_source
    assert milestones.community_milestones() == 0  # never twice
    assert (
        db.session.scalar(
            select(func.count()).select_from(Milestone).where(Milestone.community_id == community.id)
        )
        == 1
    )


def test_jumping_past_several_milestones_posts_only_the_highest(admin):
    big = people(110)
    community = factories.make_community(db.session.get(User, admin.id), "public", "Big", big)
    milestones.community_milestones()
    posts = [p for p in milestone_posts() if p.community_id == community.id]
    assert len(posts) == 1 and "100 members" in posts[0].body_source
    keys = set(db.session.scalars(select(Milestone.key).where(Milestone.community_id == community.id)))
    assert keys == {f"community:{community.id}:members:50", f"community:{community.id}:members:100"}


def test_an_objective_passing_its_target_is_celebrated_once(admin, leader, member):
    objective = create_objective(
        db.session.get(User, admin.id),
        {
            "name": "Community safety",
            "owner_id": str(leader.id),
            "target_items": "2",
            "target_engagement": "1",
        },
    )
    db.session.commit()
    author = db.session.get(User, member.id)
    first = create_post(author, "One", None, objective.id)
    db.session.commit()
    assert milestones.objective_milestones() == 0
    create_post(author, "Two", None, objective.id)
    db.session.commit()
    assert milestones.objective_milestones() == 1
    [post] = milestone_posts()
    assert post.author_id == leader.id and post.community.is_all_staff and post.objective_id == objective.id
    assert "2 items tagged" in post.body_source
    react(db.session.get(User, admin.id), first, "like")
    db.session.commit()
    rollup_range(date.today() - timedelta(days=1), datetime.now(UTC).date())
    assert milestones.objective_milestones() == 1  # engagement 1 now reached
    assert milestones.objective_milestones() == 0
    assert len(milestone_posts()) == 2


def test_celebrations_are_not_anybodys_activity(admin, leader, member):
    objective = create_objective(
        db.session.get(User, admin.id), {"name": "O", "owner_id": str(leader.id), "target_items": "1"}
    )
    create_post(db.session.get(User, member.id), "One", None, objective.id)
    db.session.commit()
    milestones.objective_milestones()
    today = datetime.now(UTC).date()
    rollup_range(today, today)
    assert db.session.scalar(select(PersonDay.posts).where(PersonDay.user_id == leader.id)) is None
    from app.insights.objective_stats import objective_totals

    assert objective_totals([objective.id])[objective.id]["items"] == 1


def test_milestones_wait_for_the_interval(app):
    assert milestones.run_milestones() == 0
    assert milestones.run_milestones() is None
    assert milestones.run_milestones(force=True) == 0


def test_the_rollup_counts_a_day_and_recomputes_it(member, comms):
    author, reader = db.session.get(User, comms.id), db.session.get(User, member.id)
    post = create_post(author, "Rota for December")
    react(reader, post, "like")
    db.session.add(PostView(day=datetime.now(UTC).date(), post_id=post.id, user_id=reader.id))
    db.session.commit()
    today = datetime.now(UTC).date()
    rollup_range(today, today)
    assert db.session.execute(select(PostViewDay.post_id, PostViewDay.viewers)).all() == [(post.id, 1)]
    row = db.session.get(PersonDay, (today, reader.id))
    assert (row.reactions, row.views, row.week) == (1, 1, today - timedelta(days=today.weekday()))
    community_day = db.session.get(CommunityDay, (today, post.community_id))
    assert (community_day.posts, community_day.reactions, community_day.active_people) == (1, 1, 2)
    react(reader, post, None)  # taken back: the next roll-up of the day forgets it
    db.session.commit()
    rollup_range(today, today)
    assert db.session.get(PersonDay, (today, reader.id)).reactions == 0


def test_the_rollup_runs_at_most_every_interval_and_backfills_first(app, member):
    post = create_post(db.session.get(User, member.id), "Old news")
    db.session.flush()
    long_ago = datetime.now(UTC) - timedelta(days=30)
    db.session.execute(update(Post).where(Post.id == post.id).values(created_at=long_ago))
    db.session.commit()
    assert run_rollup() == 31  # the first run starts at the first post
    db.session.commit()
    assert run_rollup() is None
    assert run_rollup(force=True) == 2  # yesterday and today
    assert db.session.get(PersonDay, (long_ago.date(), member.id)).posts == 1


def test_rollup_cli(app, runner, member):
    create_post(db.session.get(User, member.id), "Hello")
    db.session.commit()
    result = runner.invoke(args=["insights", "rollup", "--since", "2026-01-01", "--until", "2026-01-03"])
    assert result.exit_code == 0 and "Rolled up 3 days" in result.output
    bad = runner.invoke(args=["insights", "rollup", "--since", "2026-01-05", "--until", "2026-01-03"])
    assert bad.exit_code != 0


def test_reaction_rows_count_on_the_day_they_were_made(member, comms):
    post = create_post(db.session.get(User, comms.id), "Hi")
    react(db.session.get(User, member.id), post, "like")
    db.session.flush()
    yesterday = datetime.now(UTC) - timedelta(days=1)
    db.session.execute(update(Reaction).values(created_at=yesterday))
    db.session.commit()
    rollup_range(yesterday.date(), datetime.now(UTC).date())
    assert db.session.get(PersonDay, (yesterday.date(), member.id)).reactions == 1
    assert db.session.get(PersonDay, (datetime.now(UTC).date(), member.id)) is None


def test_objectives_without_rollup_rows_have_zero_figures(admin, leader):
    from app.insights.objective_stats import objective_totals

    row = create_objective(db.session.get(User, admin.id), {"name": "Quiet", "owner_id": str(leader.id)})
    totals = objective_totals([row.id])[row.id]
    assert (totals["items"], totals["people_reached"], totals["engagement"]) == (0, 0, 0)
    assert objective_totals([]) == {}
    assert db.session.get(Objective, row.id) is not None


def test_the_periodic_rollup_commits_a_day_at_a_time(app, member, monkeypatch):
    """A first run backfills up to a year: one transaction held SQLite's only write lock for minutes."""
    from app.insights import rollup

    post = create_post(db.session.get(User, member.id), "Old news")
    db.session.flush()
    long_ago = datetime.now(UTC) - timedelta(days=9)
    db.session.execute(update(Post).where(Post.id == post.id).values(created_at=long_ago))
    db.session.commit()
    commits = []
    real_commit = db.session.commit
    monkeypatch.setattr(db.session, "commit", lambda: (commits.append(1), real_commit()))
    assert rollup.rollup_task() == 10
    weeks = len({rollup.monday((long_ago + timedelta(days=n)).date()) for n in range(10)})
    assert len(commits) == 10 + weeks + 1  # each day, each week, then the mark
    assert db.session.get(PersonDay, (long_ago.date(), member.id)).posts == 1
    assert rollup.rollup_task() is None  # not due again yet
