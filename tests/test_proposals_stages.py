"""The pipeline's rules: who may move what, the leader's sign-off for sensitive proposals, the declined
reason the proposer sees, notifications at each stage, publishing details and results, the audit log."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.models import PROPOSAL_STAGES, AuditEntry, Notification, Proposal, User
from app.permissions.proposals import MOVES, allowed_moves
from app.proposals import services, stages
from app.proposals.versions import versions
from tests import factories
from tests.proposal_helpers import channels_fixture, proposal_input  # noqa: F401

WHEN = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
ROLES = ("member", "comms", "leader", "moderator", "admin")


def _user(person: User) -> User:
    return db.session.get(User, person.id)


@pytest.fixture
def proposer(app):
    """The person who proposes (a plain member)."""
    with app.app_context():
        user = factories.make_user(name="Pat Proposer")
        db.session.expunge(user)
        return user


def _proposal(proposer: User, channels: dict, stage: str = "idea", **fields) -> Proposal:
    proposal = services.create_proposal(_user(proposer), proposal_input(channels["x"], **fields))
    proposal.stage = stage  # set up directly: these tests are about the move out of it
    if stage == "declined":
        proposal.decline_reason = "Not now."
    db.session.flush()
    return proposal


def _move(actor: User, proposal: Proposal, to: str):
    return stages.move(
        _user(actor), proposal, to, reason="Because." if to == "declined" else "", scheduled_for=WHEN
    )


@pytest.mark.parametrize(("start", "to"), sorted(MOVES))
@pytest.mark.parametrize("role", (*ROLES, "proposer"))
def test_who_may_move_what(request, ctx, proposer, channels, start, to, role):
    actor = proposer if role == "proposer" else request.getfixturevalue(role)
    proposal = _proposal(proposer, channels, start)
    who = MOVES[(start, to)]
    allowed = (who == "comms" and role in ("comms", "admin")) or (who == "proposer" and role == "proposer")
    if allowed:
        _move(actor, proposal, to)
        assert proposal.stage == to
        assert to in PROPOSAL_STAGES
    else:
        with pytest.raises(PermissionDenied):
            _move(actor, proposal, to)
        assert proposal.stage == start


def test_moves_that_dont_exist_are_refused_for_everyone(ctx, proposer, admin, channels):
    for start, to in [
        ("idea", "approved"),
        ("idea", "published"),
        ("review", "scheduled"),
        ("published", "idea"),
        ("published", "declined"),
        ("declined", "approved"),
        ("withdrawn", "review"),
    ]:
        proposal = _proposal(proposer, channels, start)
        with pytest.raises(ValidationError) as exc:
            _move(admin, proposal, to)
        assert "can't move" in exc.value.fields["stage"]
    with pytest.raises(ValidationError):
        _move(admin, _proposal(proposer, channels), "somewhere")


def test_allowed_moves_are_what_the_page_offers(ctx, proposer, comms, member, channels):
    proposal = _proposal(proposer, channels, "review")
    assert allowed_moves(_user(comms), proposal) == ["idea", "approved", "declined"]
    assert allowed_moves(_user(proposer), proposal) == ["withdrawn"]
    assert allowed_moves(_user(member), proposal) == []


def test_declining_needs_a_reason_the_proposer_sees(app, ctx, proposer, comms, channels):
    proposal = _proposal(proposer, channels, "review")
    with pytest.raises(ValidationError) as exc:
        stages.move(_user(comms), proposal, "declined", reason="   ")
    assert "why" in exc.value.fields["reason"]
    with pytest.raises(ValidationError):
        stages.move(_user(comms), proposal, "declined", reason="x" * 1001)
    assert proposal.stage == "review"
    stages.move(_user(comms), proposal, "declined", reason="The case is still open; wait for the verdict.")
    assert proposal.decline_reason == "The case is still open; wait for the verdict."
    note = db.session.scalar(select(Notification).where(Notification.kind == "proposal_stage"))
    assert note.user_id == proposer.id and note.data["stage"] == "declined"
    assert note.data["reason"] == "The case is still open; wait for the verdict."
    # Resubmitting clears the reason; the history keeps it.
    stages.move(_user(proposer), proposal, "idea")
    assert proposal.decline_reason == "" and proposal.stage == "idea"
    assert any(v.snapshot["decline_reason"] for v in versions(proposal))


def test_the_proposer_is_told_at_every_stage_but_not_of_their_own_moves(app, ctx, proposer, comms, channels):
    proposal = _proposal(proposer, channels)
    for to in ("review", "approved", "scheduled", "published"):
        _move(comms, proposal, to)
    notes = db.session.scalars(
        select(Notification).where(Notification.kind == "proposal_stage").order_by(Notification.id)
    ).all()
    assert [n.data["stage"] for n in notes] == ["review", "approved", "scheduled", "published"]
    assert {n.user_id for n in notes} == {proposer.id}
    fresh = _proposal(proposer, channels)
    stages.move(_user(proposer), fresh, "withdrawn")
    assert (
        db.session.scalar(select(Notification).where(Notification.data["stage"].as_string() == "withdrawn"))
        is None
    )


def test_every_move_is_a_version_and_comms_moves_are_audited(ctx, proposer, comms, channels):
    proposal = _proposal(proposer, channels)
    _move(comms, proposal, "review")
    _move(comms, proposal, "declined")
    [declined, review, _created] = versions(proposal)
    assert review.summary == "Moved to in review" and review.changed == ["stage"]
    assert declined.summary.startswith("Moved to declined: “Because.”")
    audits = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "proposal.moved")).all()
    assert [(a.data["stage_from"], a.data["stage_to"]) for a in audits] == [
        ("idea", "review"),
        ("review", "declined"),
    ]


# --- sensitive proposals and the leader's sign-off ---------------------------------------------


def test_a_sensitive_proposal_needs_a_leaders_sign_off_before_approval(
    ctx, proposer, comms, leader, channels
):
    proposal = _proposal(proposer, channels, "review", sensitive=True)
    with pytest.raises(ValidationError) as exc:
        stages.move(_user(comms), proposal, "approved")
    assert "leader must sign off" in exc.value.fields["stage"]
    assert proposal.stage == "review"
    stages.sign_off(_user(leader), proposal)
    assert proposal.signed_off and proposal.signoff_by_id == leader.id
    stages.move(_user(comms), proposal, "approved")
    assert proposal.stage == "approved"


def test_a_changed_draft_needs_a_new_sign_off(ctx, proposer, comms, leader, channels):
    proposal = _proposal(proposer, channels, "review", sensitive=True)
    stages.sign_off(_user(leader), proposal)
    stages.set_sensitive(_user(comms), proposal, True)  # no change: still signed off
    assert proposal.signed_off
    services.edit_proposal(
        _user(proposer), proposal, proposal_input(channels["x"], draft="A different draft.")
    )
    assert not proposal.signed_off
    with pytest.raises(ValidationError):
        stages.move(_user(comms), proposal, "approved")
    stages.sign_off(_user(leader), proposal)
    stages.move(_user(comms), proposal, "approved")


def test_who_may_sign_off(ctx, proposer, comms, member, moderator, admin, channels):
    proposal = _proposal(proposer, channels, "review", sensitive=True)
    for person in (comms, member, moderator, proposer):
        with pytest.raises(PermissionDenied):
            stages.sign_off(_user(person), proposal)
    stages.sign_off(_user(admin), proposal)  # admins hold every role
    assert proposal.signed_off


def test_a_leader_cant_sign_off_their_own_proposal(ctx, leader, comms, channels):
    own = _proposal(leader, channels, "review", sensitive=True)
    with pytest.raises(PermissionDenied) as exc:
        stages.sign_off(_user(leader), own)
    assert "Another leader" in exc.value.message


def test_only_the_leader_who_signed_can_take_it_back(ctx, proposer, leader, channels):
    proposal = _proposal(proposer, channels, "review", sensitive=True)
    other = factories.make_user(name="Deputy Chief", role="leader")
    stages.sign_off(_user(leader), proposal)
    with pytest.raises(PermissionDenied):
        stages.sign_off(other, proposal, False)
    stages.sign_off(_user(leader), proposal, False)
    assert not proposal.signed_off


def test_flagging_sensitive_proposer_or_comms_clearing_comms_only(ctx, proposer, comms, member, channels):
    proposal = _proposal(proposer, channels)
    with pytest.raises(PermissionDenied):
        stages.set_sensitive(_user(member), proposal, True)
    stages.set_sensitive(_user(proposer), proposal, True)
    with pytest.raises(PermissionDenied):
        stages.set_sensitive(_user(proposer), proposal, False)  # nobody dodges the sign-off
    stages.set_sensitive(_user(comms), proposal, False)
    assert not proposal.sensitive
    stages.set_sensitive(_user(comms), proposal, True)
    assert proposal.sensitive and versions(proposal)[0].summary.startswith("Marked sensitive")


def test_asking_a_leader_to_sign_off(ctx, proposer, comms, leader, member, channels):
    proposal = _proposal(proposer, channels, "review", sensitive=True)
    stages.request_sign_off(_user(comms), proposal, _user(leader))
    note = db.session.scalar(select(Notification).where(Notification.kind == "proposal_signoff_requested"))
    assert note.user_id == leader.id
    with pytest.raises(ValidationError):
        stages.request_sign_off(_user(comms), proposal, _user(member))  # not a leader
    with pytest.raises(PermissionDenied):
        stages.request_sign_off(_user(member), proposal, _user(leader))


# --- scheduling, publishing and results ----------------------------------------------------------


def test_scheduling_needs_a_time_and_unscheduling_clears_it(ctx, proposer, comms, channels):
    proposal = _proposal(proposer, channels, "approved")
    with pytest.raises(ValidationError) as exc:
        stages.move(_user(comms), proposal, "scheduled")
    assert "scheduled_for" in exc.value.fields
    stages.move(_user(comms), proposal, "scheduled", scheduled_for=WHEN)
    assert proposal.scheduled_for == WHEN
    stages.move(_user(comms), proposal, "approved")
    assert proposal.scheduled_for is None


def test_publishing_records_the_time_and_public_link(ctx, proposer, comms, channels):
    proposal = _proposal(proposer, channels, "approved")
    with pytest.raises(ValidationError) as exc:
        stages.move(_user(comms), proposal, "published", public_url="javascript:alert(1)")
    assert "public_url" in exc.value.fields and proposal.stage == "approved"
    stages.move(_user(comms), proposal, "published", public_url="https://x.com/NorthshirePolice/status/1")
    assert proposal.published_at is not None and proposal.public_url.endswith("/status/1")


def test_results_are_recorded_by_comms_once_published(ctx, proposer, comms, member, channels):
    proposal = _proposal(proposer, channels, "approved")
    with pytest.raises(PermissionDenied):
        stages.record_results(_user(comms), proposal, 100, 5)
    stages.move(_user(comms), proposal, "published", published_at=WHEN)
    with pytest.raises(PermissionDenied):
        stages.record_results(_user(member), proposal, 100, 5)
    for bad in (-1, True, 2**40, "12"):
        with pytest.raises(ValidationError):
            stages.record_results(_user(comms), proposal, bad, 5)
    stages.record_results(_user(comms), proposal, 12_400, 310)
    assert (proposal.reach, proposal.engagements, proposal.results_at is not None) == (12_400, 310, True)
    assert versions(proposal)[0].changed == ["reach", "engagements"]
    version = proposal.version
    stages.record_results(_user(comms), proposal, 12_400, 310)
    assert proposal.version == version  # nothing changed, no version


def test_endorsing_closes_when_it_is_published(ctx, proposer, comms, member, channels):
    from app.proposals.buyin import endorse

    proposal = _proposal(proposer, channels, "approved")
    endorse(_user(member), proposal)
    stages.move(_user(comms), proposal, "published")
    with pytest.raises(PermissionDenied):
        endorse(_user(comms), proposal)
    endorse(_user(member), proposal, False)  # withdrawing is always possible
