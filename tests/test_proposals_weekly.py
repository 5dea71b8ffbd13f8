"""The weekly "ready for review" list for comms (once per ISO week, idempotent, with a clock the test
controls) and results_by_objective, which the insight dashboard reads."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.jobs import TASKS, tick
from app.models import Notification, Objective, ProposalReviewDigest, User
from app.proposals import buyin, stages, weekly
from app.proposals.results import results_by_objective
from tests import factories
from tests.proposal_helpers import act, channels_fixture, make_proposal  # noqa: F401

MONDAY_9AM = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # ISO week 2026-W49


def _weekly_notes(app) -> list[Notification]:
    with app.app_context():
        rows = db.session.scalars(
            select(Notification)
            .where(Notification.kind == "proposal_review_weekly")
            .order_by(Notification.id)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def _run(app, now) -> int:
    with app.app_context():
        return weekly.send_weekly_review(now)


def test_comms_are_told_once_per_iso_week(app, member, comms, admin, leader, channels):
    idea = make_proposal(app, member, channels["x"])
    in_review = make_proposal(app, member, channels["facebook"], sensitive=True)
    act(app, in_review, comms, stages.move, "review")
    act(app, in_review, leader, buyin.endorse)
    assert _run(app, MONDAY_9AM) == 2  # the comms officer and the admin
    assert _run(app, MONDAY_9AM + timedelta(hours=1)) == 0
    assert _run(app, MONDAY_9AM + timedelta(days=6, hours=14)) == 0  # Sunday night, the same week
    notes = _weekly_notes(app)
    assert sorted(n.user_id for n in notes) == sorted([comms.id, admin.id])
    data = notes[0].data
    assert (data["week"], data["count"], data["in_review"], data["needs_signoff"]) == ("2026-W49", 2, 1, 1)
    assert [p["id"] for p in data["proposals"]] == [in_review, idea]  # in review first, then by support
    with app.app_context():
        digest = db.session.get(ProposalReviewDigest, "2026-W49")
        assert (digest.proposal_count, digest.recipient_count) == (2, 2)
    assert _run(app, MONDAY_9AM + timedelta(days=7)) == 2  # the next week
    assert [n.data["week"] for n in _weekly_notes(app)].count("2026-W50") == 2


def test_not_before_monday_morning(app, member, comms, channels):
    make_proposal(app, member, channels["x"])
    assert _run(app, MONDAY_9AM.replace(hour=6, minute=59)) == 0
    assert _run(app, MONDAY_9AM.replace(hour=7)) == 1


def test_a_quiet_week_notifies_nobody_and_stays_done(app, comms, member, channels):
    assert _run(app, MONDAY_9AM) == 0
    make_proposal(app, member, channels["x"])
    assert _run(app, MONDAY_9AM + timedelta(hours=2)) == 0  # the week was already done
    with app.app_context():
        assert db.session.get(ProposalReviewDigest, "2026-W49").recipient_count == 0


def test_each_person_sees_only_what_they_may_see(app, comms, member, channels):
    other_comms = _make(app, name="Other Comms", role="comms")
    with app.app_context():
        secret = factories.make_community(
            db.session.get(User, comms.id),
            "secret",
            "Operation Kestrel",
            members=[db.session.get(User, member.id)],
        )
        secret_id = secret.id
    make_proposal(app, member, channels["x"], community_id=secret_id)
    assert _run(app, MONDAY_9AM) == 1
    [note] = _weekly_notes(app)
    assert note.user_id == comms.id and note.user_id != other_comms.id


def test_the_job_runs_from_the_task_registry_with_a_controlled_clock(
    app, member, comms, channels, monkeypatch
):
    assert "proposals_weekly_review" in TASKS
    make_proposal(app, member, channels["x"])
    monkeypatch.setattr(weekly, "utcnow", lambda: MONDAY_9AM)
    assert tick(app)["proposals_weekly_review"] == 1
    assert tick(app)["proposals_weekly_review"] == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProposalReviewDigest)) == 1


def test_the_iso_week_key_across_a_year_end():
    assert weekly.iso_week(datetime(2026, 12, 31, tzinfo=UTC)) == "2026-W53"
    assert weekly.iso_week(datetime(2027, 1, 4, tzinfo=UTC)) == "2027-W01"


def _make(app, **kwargs) -> User:
    with app.app_context():
        user = factories.make_user(**kwargs)
        db.session.expunge(user)
        return user


# --- results by objective ---------------------------------------------------------------------------


def _published(
    app, proposer, comms, channel_id, objective_id, when, reach=None, engagements=None, endorsers=()
) -> int:
    proposal_id = make_proposal(app, proposer, channel_id, objective_id=objective_id, draft=f"Draft {when}")
    for person in endorsers:  # buy-in comes before it goes public
        act(app, proposal_id, person, buyin.endorse)
    act(app, proposal_id, comms, stages.move, "review")
    act(app, proposal_id, comms, stages.move, "approved")
    act(app, proposal_id, comms, stages.move, "published", published_at=when)
    if reach is not None:
        act(app, proposal_id, comms, stages.record_results, reach, engagements)
    return proposal_id


def test_results_by_objective_set_buy_in_beside_public_results(
    app, member, comms, leader, channels, count_queries
):
    with app.app_context():
        trust, safety = Objective(name="Public trust and confidence"), Objective(name="Community safety")
        db.session.add_all([trust, safety])
        db.session.commit()
        trust_id, safety_id = trust.id, safety.id
    endorsers = [leader, _make(app, name="PC Endorser")]
    first = _published(
        app,
        member,
        comms,
        channels["x"],
        trust_id,
        datetime(2026, 11, 2, 10, tzinfo=UTC),
        10_000,
        400,
        endorsers,
    )
    second = _published(
        app,
        member,
        comms,
        channels["facebook"],
        trust_id,
        datetime(2026, 11, 20, tzinfo=UTC),
        endorsers=[_make(app, name="PCSO Endorser")],
    )
    _published(
        app, member, comms, channels["x"], safety_id, datetime(2026, 11, 30, 23, 59, tzinfo=UTC), 500, 50
    )
    _published(
        app, member, comms, channels["x"], safety_id, datetime(2026, 12, 1, tzinfo=UTC), 1, 1
    )  # too late
    make_proposal(app, member, channels["x"], objective_id=trust_id)  # not published: not counted
    with app.app_context():
        with count_queries() as n:
            groups = results_by_objective(date(2026, 11, 1), date(2026, 11, 30))
        assert n() <= 3
    assert [g.objective_name for g in groups] == ["Community safety", "Public trust and confidence"]
    safety_group, trust_group = groups
    assert (trust_group.published, trust_group.endorsements, trust_group.leader_endorsed) == (2, 3, 1)
    assert (trust_group.reach, trust_group.engagements, trust_group.with_results) == (10_000, 400, 1)
    assert trust_group.engagement_rate == pytest.approx(0.04)
    assert [p.proposal_id for p in trust_group.proposals] == [first, second]
    assert trust_group.proposals[0].leader_endorsed and trust_group.proposals[0].channel == "X (Twitter)"
    assert (safety_group.published, safety_group.reach, safety_group.endorsements) == (1, 500, 0)
    with app.app_context():
        assert results_by_objective(date(2027, 1, 1), date(2027, 1, 31)) == []
        exclusive = results_by_objective(
            datetime(2026, 11, 2, 10, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC)
        )
        assert [p.proposal_id for g in exclusive for p in g.proposals] == [first]


def test_results_without_an_objective_come_last(app, member, comms, channels):
    _published(app, member, comms, channels["x"], None, datetime(2026, 11, 5, tzinfo=UTC), 10, 1)
    with app.app_context():
        [group] = results_by_objective(date(2026, 11, 1), date(2026, 11, 30))
    assert (group.objective_id, group.objective_name, group.engagement_rate) == (None, "No objective", 0.1)
