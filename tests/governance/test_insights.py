"""Insights and objectives in governance: a person's views, daily figures, contributions and objective
reach in subject access, erasure that removes them and keeps the rolled-up counts, a community's daily
figures in its disclosure (and no other community's), and retention of raw views with a clock, a
hold and the keep rule for days the roll-up still recomputes."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.governance import holds
from app.insights.filters import monday
from app.insights.rollup import MARK, rollup_day, rollup_week
from app.models import (
    CommunityDay,
    Establishment,
    Objective,
    PersonDay,
    Post,
    PostView,
    PostViewDay,
    RollupState,
    Unit,
    User,
)
from tests.api_helpers import community
from tests.governance.helpers import (
    csv_rows,
    disclosure,
    erase,
    foreign_key_problems,
    freeze,
    make_post,
    rows_pointing_at,
    subject_access,
    zip_json,
)
from tests.governance.test_retention import count, run, set_rule


def _setup(app, member, comms, intruder, days_ago=(3, 2)) -> dict:
    """Posts in a team and an intruder's community, seen by the member on earlier days, rolled up."""
    team = community(app, comms, "private", name="Control room", members=(member,))
    other = community(app, comms, "secret", name="Operation Wren", members=(intruder,))
    with app.app_context():
        objective = Objective(name="Public trust", owner_id=member.id)
        unit = db.session.scalar(select(Unit)) or Unit(name="Response")
        db.session.add_all([objective, unit])
        db.session.flush()
        db.session.add(
            Establishment(unit_id=unit.id, staff_type="police", headcount=40, imported_by_id=member.id)
        )
        db.session.commit()
        objective_id = objective.id
    seen = make_post(app, comms, "Shift handover notes", team)
    hidden = make_post(app, comms, "Wren surveillance notes", other)
    reply_to = make_post(app, member, "My own post", team)
    with app.app_context():
        db.session.get(Post, seen).objective_id = objective_id
        today = db.session.get(Post, seen).created_at.date()
        days = [today - timedelta(days=n) for n in days_ago]
        for day in days:
            db.session.add(PostView(day=day, post_id=seen, user_id=member.id))
            db.session.add(PostView(day=day, post_id=hidden, user_id=intruder.id))
        db.session.flush()
        for day in days:
            rollup_day(day)
        rollup_week(monday(days[0]))
        db.session.merge(RollupState(name=MARK, at=db.session.get(Post, seen).created_at))
        db.session.commit()
    return {
        "team": team,
        "other": other,
        "seen": seen,
        "days": days,
        "objective": objective_id,
        "own": reply_to,
    }


def test_subject_access_holds_views_figures_and_objectives(app, client, member, comms, intruder):
    made = _setup(app, member, comms, intruder)
    archive = subject_access(app, client, member)
    items = zip_json(archive, "data/insights.json")["items"]
    assert [i["day"] for i in items if i.get("saw_post_id") == made["seen"]] == [
        d.isoformat() for d in made["days"]
    ]
    assert {i["day"] for i in items if "views" in i and "day" in i} == {d.isoformat() for d in made["days"]}
    assert {"owns_objective": "Public trust"} == {k: v for k, v in items[-1].items() if k != "since"}
    assert any("imported_hr_establishment_at" in i for i in items)
    assert any(i.get("saw_objective") == "Public trust" for i in items)
    assert "Activity figures" in archive.read("index.html").decode()
    assert "Wren" not in archive.read("data/insights.json").decode()


def test_erasure_removes_per_person_rows_and_keeps_the_counts(app, admin, member, comms, intruder):
    made = _setup(app, member, comms, intruder)
    with app.app_context():
        before = db.session.scalar(select(PostViewDay.viewers).where(PostViewDay.post_id == made["seen"]))
    erase(app, admin, member)
    with app.app_context():
        assert rows_pointing_at(member.id) == {} and foreign_key_problems() == []
        assert db.session.get(Objective, made["objective"]).owner_id is None
        assert db.session.scalar(select(Establishment.imported_by_id)) is None
        after = db.session.scalar(select(PostViewDay.viewers).where(PostViewDay.post_id == made["seen"]))
        assert before == after == 1  # the dashboard's rolled-up counts stay
        assert db.session.scalar(select(PostView).where(PostView.user_id == intruder.id)) is not None


def test_disclosure_has_the_communitys_daily_figures_only(app, admin, member, comms, intruder):
    made = _setup(app, member, comms, intruder)
    archive = disclosure(app, admin, made["team"])
    rows = csv_rows(archive, "community_activity.csv")
    assert rows and list(rows[0]) == ["day", "posts", "replies", "reactions", "active_people"]
    with app.app_context():
        expected = {
            d.day.isoformat()
            for d in db.session.scalars(select(CommunityDay).where(CommunityDay.community_id == made["team"]))
        }
        others = {
            d.day.isoformat()
            for d in db.session.scalars(
                select(CommunityDay).where(CommunityDay.community_id == made["other"])
            )
        }
    assert {r["day"] for r in rows} == expected and others  # the intruder's community has rows too
    assert "Wren" not in archive.read("index.html").decode()
    assert csv_rows(archive, "milestones.csv") == []


def test_retention_removes_old_views_but_not_held_or_unrolled_ones(
    app, admin, member, comms, intruder, monkeypatch
):
    made = _setup(app, member, comms, intruder, days_ago=(40, 35, 0))
    clock = freeze(monkeypatch)
    set_rule(app, "post_views", 30, "days")
    set_rule(app, "person_days", 30, "days")
    with app.app_context():
        # The roll-up last ran 36 days ago: it will recompute day 35 and later, so those stay.
        db.session.merge(RollupState(name=MARK, at=clock.at - timedelta(days=36)))
        hold = holds.create_hold(db.session.get(User, admin.id), person=intruder.email, reason="Case 12")
        db.session.commit()
    results = run(app)
    assert results["post_views"] == {"delete": 1, "kept_by_hold": 1}
    assert results["person_days"] == {"delete": 1, "kept_by_hold": 1}
    with app.app_context():
        left = set(db.session.execute(select(PostView.user_id, PostView.day)).all())
        # the counts rolled up from the removed rows stay
        assert db.session.scalar(select(PostViewDay.viewers).where(PostViewDay.day == made["days"][0])) == 1
    assert left == {(member.id, made["days"][1]), (member.id, made["days"][2])} | {
        (intruder.id, day) for day in made["days"]
    }
    with app.app_context():
        holds.lift_hold(db.session.get(User, admin.id), hold.id, "Case closed")
        db.session.commit()
    run(app)
    assert count(app, PostView) == 4
    clock.advance(days=40)
    with app.app_context():  # the roll-up has moved on: every one of these days is history now
        db.session.merge(RollupState(name=MARK, at=clock.at))
        db.session.commit()
    run(app)
    assert count(app, PostView) == 0 and count(app, PersonDay) == 0
