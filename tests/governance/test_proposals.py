"""Proposals in governance: proposals, versions, endorsements, suggestions and sign-offs in subject
access (read back from the zip), erasure that keeps the history credited to the placeholder and
removes endorsements, disclosure CSVs of a community's proposals (an intruder community's left out),
retention of endorsements, versions and webhook deliveries with a clock, a hold and keep rules, and
purging a proposal's post."""

from sqlalchemy import func, select

from app.extensions import db
from app.governance import holds
from app.governance.purge import purge_posts
from app.models import (
    Notification,
    Proposal,
    ProposalEndorsement,
    ProposalSuggestion,
    ProposalVersion,
    SensitiveConfirmation,
    User,
    WebhookDelivery,
)
from app.proposals import buyin, stages, suggestions
from app.proposals.services import edit_proposal
from app.search.indexer import drain
from tests.api_helpers import community
from tests.governance.helpers import (
    csv_rows,
    disclosure,
    erase,
    foreign_key_problems,
    freeze,
    read_html,
    rows_pointing_at,
    subject_access,
    text_mentions,
    zip_json,
)
from tests.governance.test_retention import count, run, set_rule
from tests.proposal_helpers import act, channels_fixture, make_proposal, proposal_input  # noqa: F401


def _suggest(app, author, proposal_id, original, replacement):
    with app.app_context():
        row = suggestions.suggest(
            db.session.get(User, author.id), db.session.get(Proposal, proposal_id), original, replacement
        )
        db.session.commit()
        return row.id


def _accept(app, proposer, proposal_id, suggestion_id):
    with app.app_context():
        suggestions.accept(
            db.session.get(User, proposer.id),
            db.session.get(Proposal, proposal_id),
            db.session.get(ProposalSuggestion, suggestion_id),
        )
        db.session.commit()


def _story(app, member, comms, leader, channels) -> int:
    """A proposal by the member that comms suggested an edit to, the leader signed off and endorsed."""
    proposal_id = make_proposal(app, member, channels["x"])
    accepted = _suggest(app, comms, proposal_id, "Thank you to everyone who came to", "Thanks to all at")
    _accept(app, member, proposal_id, accepted)
    act(app, proposal_id, leader, stages.sign_off)
    act(app, proposal_id, leader, buyin.endorse)
    act(app, proposal_id, comms, buyin.endorse)
    return proposal_id


def test_subject_access_holds_proposals_changes_endorsements_and_suggestions(
    app, client, member, comms, leader, channels
):
    proposal_id = _story(app, member, comms, leader, channels)
    items = zip_json(subject_access(app, client, member), "data/proposals.json")["items"]
    mine = next(i for i in items if "proposal_id" in i)
    assert mine["proposal_id"] == proposal_id and mine["draft"].startswith("Thanks to all at")
    assert mine["why"] and mine["reputation_worst"] and mine["channel"]
    assert {i["version"] for i in items if "changed_proposal_id" in i} == {1, 2}
    archive = subject_access(app, client, comms)
    theirs = zip_json(archive, "data/proposals.json")["items"]
    assert [i["replacement"] for i in theirs if "suggested_for_proposal_id" in i] == ["Thanks to all at"]
    assert [i["endorsed_proposal_id"] for i in theirs if "endorsed_proposal_id" in i] == [proposal_id]
    index = " ".join(read_html(archive.read("index.html").decode()).text)
    assert "Proposals for public channels" in index and "Thanks to all at" in index
    signed = zip_json(subject_access(app, client, leader), "data/proposals.json")["items"]
    assert [i["signed_off_proposal_id"] for i in signed if "signed_off_proposal_id" in i] == [proposal_id]


def test_erasure_keeps_the_history_credited_and_removes_endorsements(
    app, admin, member, comms, leader, channels
):
    proposal_id = _story(app, member, comms, leader, channels)
    drain(app)
    for person in (member, comms, leader):
        erase(app, admin, person)
    with app.app_context():
        for person in (member, comms, leader):
            assert rows_pointing_at(person.id) == {}, person.name
        assert foreign_key_problems() == []
        tables = ("proposals", "proposal_versions", "proposal_suggestions", "proposal_endorsements", "posts")
        for text in ("Morgan Member", "Casey Comms", "Lee Leader", member.email):
            assert text_mentions(text, *tables) == [], text
        proposal = db.session.get(Proposal, proposal_id)
        assert proposal.proposer.name == "Former member (erased)" and proposal.signed_off
        assert proposal.draft.startswith("Thanks to all at")
        summaries = db.session.scalars(
            select(ProposalVersion.summary).where(ProposalVersion.proposal_id == proposal_id)
        )
        assert "Accepted Former member (erased)'s suggestion" in list(summaries)
        assert db.session.scalar(select(func.count()).select_from(ProposalEndorsement)) == 0


def test_disclosure_has_the_communitys_proposals_suggestions_and_history(
    app, admin, member, comms, leader, intruder, channels
):
    team = community(app, comms, "private", name="Press office", members=(member, leader))
    elsewhere = community(app, comms, "secret", name="Operation Kite", members=(intruder,))
    proposal_id = make_proposal(app, member, channels["x"], community_id=team)
    make_proposal(app, intruder, channels["x"], community_id=elsewhere, draft="Kite draft words.")
    suggestion = _suggest(app, comms, proposal_id, "Thank you to everyone who came to", "Thanks to all at")
    _accept(app, member, proposal_id, suggestion)
    act(app, proposal_id, leader, buyin.endorse)
    archive = disclosure(app, admin, team)
    rows = csv_rows(archive, "proposals.csv")
    assert list(rows[0])[:6] == ["proposal_id", "post_id", "channel", "stage", "proposer", "draft"]
    assert [(r["proposal_id"], r["proposer"], r["endorsements"]) for r in rows] == [
        (str(proposal_id), "Morgan Member", "1")
    ]
    assert rows[0]["draft"].startswith("Thanks to all at")
    assert [(r["author"], r["status"]) for r in csv_rows(archive, "proposal_suggestions.csv")] == [
        ("Casey Comms", "accepted")
    ]
    history = csv_rows(archive, "proposal_history.csv")
    assert [(r["version"], r["by"]) for r in history] == [("1", "Morgan Member"), ("2", "Morgan Member")]
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace")
    assert "Kite draft words" not in everything and "Operation Kite" not in everything


def test_retention_of_endorsements_versions_and_deliveries(
    app, admin, member, comms, leader, channels, monkeypatch
):
    clock = freeze(monkeypatch)
    open_one = make_proposal(app, member, channels["x"])
    closed = make_proposal(app, member, channels["x"])
    for proposal_id in (open_one, closed):
        act(app, proposal_id, comms, buyin.endorse)
        act(app, proposal_id, leader, buyin.endorse)
    with app.app_context():
        edit_proposal(
            db.session.get(User, member.id),
            db.session.get(Proposal, closed),
            proposal_input(channels["x"], why="A better reason to say it."),
        )
        db.session.get(Proposal, closed).stage = "published"
        db.session.add_all(
            WebhookDelivery(proposal_id=closed, event="proposal.published", body="{}", status=status)
            for status in ("sent", "pending")
        )
        for model in (ProposalEndorsement, ProposalVersion, WebhookDelivery):
            db.session.execute(model.__table__.update().values(created_at=clock.at))
        db.session.commit()
        hold = holds.create_hold(db.session.get(User, admin.id), person=leader.email, reason="Complaint C-9")
        db.session.commit()
    clock.advance(days=400)
    for kind, action in (
        ("proposal_endorsements", "delete"),
        ("proposal_versions", "anonymise"),
        ("webhook_deliveries", "delete"),
    ):
        set_rule(app, kind, 1, "years", action)
    results = run(app)
    # The open proposal's endorsements are buy-in still being weighed; the leader's is under a hold.
    with app.app_context():
        left = set(
            db.session.execute(select(ProposalEndorsement.proposal_id, ProposalEndorsement.user_id)).all()
        )
    assert left == {(open_one, comms.id), (open_one, leader.id), (closed, leader.id)}
    assert results["proposal_endorsements"] == {"delete": 1, "kept_by_hold": 1}
    # Versions forget who made them, except each proposal's current one.
    with app.app_context():
        actors = dict(
            db.session.execute(
                select(ProposalVersion.number, ProposalVersion.actor_id).where(
                    ProposalVersion.proposal_id == closed
                )
            ).all()
        )
    assert actors == {1: None, 2: member.id}
    assert (
        count(app, WebhookDelivery) == 1
        and count(app, WebhookDelivery, WebhookDelivery.status == "pending") == 1
    )
    with app.app_context():
        holds.lift_hold(db.session.get(User, admin.id), hold.id, "Resolved")
        db.session.commit()
    run(app)
    assert count(app, ProposalEndorsement, ProposalEndorsement.proposal_id == closed) == 0


def test_a_proposals_post_removed_for_good_takes_its_payloads_and_confirmations(app, member, comms, channels):
    proposal_id = make_proposal(app, member, channels["x"])
    suggestion = _suggest(app, comms, proposal_id, "Thank you to everyone who came to", "Thanks to all at")
    with app.app_context():
        db.session.add(
            WebhookDelivery(proposal_id=proposal_id, event="proposal.approved", body='{"text": "x"}')
        )
        db.session.add(
            SensitiveConfirmation(
                user_id=member.id, item_type="proposal", item_id=proposal_id, pattern="phone"
            )
        )
        db.session.commit()
        post_id = db.session.get(Proposal, proposal_id).post_id
        purge_posts([post_id])
        db.session.commit()
        for model in (Proposal, ProposalVersion, ProposalSuggestion, WebhookDelivery, SensitiveConfirmation):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0, model
        note = Notification.data["proposal_id"].as_integer() == proposal_id
        assert db.session.scalar(select(func.count()).select_from(Notification).where(note)) == 0
        assert foreign_key_problems() == []
    assert suggestion
