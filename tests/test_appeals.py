"""Appeals: once per decision, decided by a different moderator; overturning puts things back."""

import pytest
from sqlalchemy import select

from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.models import Appeal, AuditEntry, Decision, Notification, Post, PostingRestriction, Strike, User
from app.moderation import appeals, restrictions
from tests import factories
from tests.moderation_helpers import decide, make_post, published_policy, report, status_of  # noqa: F401


@pytest.fixture
def second_moderator(app):
    """Another moderator, for appeals."""
    with app.app_context():
        user = factories.make_user(name="Sam Second", role="moderator")
        db.session.expunge(user)
        return user


def _serious(app, member, comms, moderator) -> tuple[int, int]:
    post_id = make_post(app, comms, "Removed for being rude")
    decision_id = decide(app, moderator, report(app, member, "post", post_id, "respect"), "serious")
    return post_id, decision_id


def test_the_author_appeals_once_and_a_different_moderator_overturns(
    app, client, login, published, member, comms, moderator, second_moderator
):
    post_id, decision_id = _serious(app, member, comms, moderator)
    with app.app_context():
        restrictions.restrict(
            db.session.get(User, moderator.id),
            db.session.get(User, comms.id),
            5,
            "pause",
            db.session.get(Decision, decision_id),
        )
        db.session.commit()
    login(comms)
    empty = client.post(f"/moderation/decisions/{decision_id}/appeal", data={"text": " "})
    assert empty.status_code == 422 and "Tell the moderators why" in empty.get_data(as_text=True)
    sent = client.post(
        f"/moderation/decisions/{decision_id}/appeal", data={"text": "It was a joke between friends."}
    )
    assert sent.status_code == 302
    twice = client.post(f"/moderation/decisions/{decision_id}/appeal", data={"text": "Again"})
    assert twice.status_code == 422 and "already appealed" in twice.get_data(as_text=True)
    page = client.get(f"/moderation/decisions/{decision_id}").get_data(as_text=True)
    assert "Waiting for a moderator" in page and "Send appeal" not in page

    login(moderator)
    listing = client.get("/moderation/appeals").get_data(as_text=True)
    assert "It was a joke between friends." in listing and "another moderator must answer" in listing
    with app.app_context():
        appeal_id = db.session.scalar(select(Appeal.id))
    own = client.post(
        f"/moderation/appeals/{appeal_id}/decide", data={"outcome": "overturned", "response": "x"}
    )
    assert own.status_code == 422 and "a different moderator must decide" in own.get_data(as_text=True)

    login(second_moderator)
    bad = client.post(f"/moderation/appeals/{appeal_id}/decide", data={"outcome": "maybe", "response": ""})
    assert bad.status_code == 422
    ok = client.post(
        f"/moderation/appeals/{appeal_id}/decide",
        data={"outcome": "overturned", "response": "Fair point, restored."},
    )
    assert ok.status_code == 302
    assert status_of(app, Post, post_id) == "visible"
    with app.app_context():
        assert db.session.scalar(select(Strike)).voided_at is not None
        assert db.session.scalar(select(PostingRestriction)).lifted_at is not None
        assert restrictions.active_restriction(comms.id) is None
        [note] = db.session.scalars(
            select(Notification).where(
                Notification.user_id == comms.id, Notification.kind == "appeal_outcome"
            )
        ).all()
        assert note.data["outcome"] == "overturned"
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.appeal_decided"))
        assert entry.actor_id == second_moderator.id and entry.data["outcome"] == "overturned"
    login(comms)
    answered = client.get(f"/moderation/decisions/{decision_id}").get_data(as_text=True)
    assert "Decision overturned" in answered and "Fair point, restored." in answered
    assert "the decision was overturned" in client.get("/notifications").get_data(as_text=True)


def test_an_upheld_appeal_changes_nothing_but_answers_the_author(
    app, published, member, comms, moderator, second_moderator
):
    post_id, decision_id = _serious(app, member, comms, moderator)
    with app.app_context():
        row = appeals.appeal(db.session.get(User, comms.id), db.session.get(Decision, decision_id), "Please")
        appeals.decide_appeal(db.session.get(User, second_moderator.id), row, "upheld", "It breaks clause 1.")
        db.session.commit()
        assert row.status == "upheld" and db.session.scalar(select(Strike)).voided_at is None
        with pytest.raises(ValidationError, match="Please correct"):
            appeals.decide_appeal(
                db.session.get(User, second_moderator.id), row, "overturned", "Changed my mind"
            )
    assert status_of(app, Post, post_id) == "deleted"


def test_only_the_author_appeals_and_nothing_to_appeal_after_no_breach(
    app, published, member, comms, moderator
):
    _, decision_id = _serious(app, member, comms, moderator)
    fine = decide(
        app, moderator, report(app, member, "post", make_post(app, comms), "respect"), "no_breach", None, ""
    )
    with app.app_context():
        with pytest.raises(PermissionDenied):
            appeals.appeal(db.session.get(User, member.id), db.session.get(Decision, decision_id), "Me too")
        with pytest.raises(ValidationError):
            appeals.appeal(db.session.get(User, comms.id), db.session.get(Decision, fine), "Why?")


def test_decision_pages_are_private_to_the_author_and_moderators(
    app, client, login, published, member, comms, moderator, intruder
):
    _, decision_id = _serious(app, member, comms, moderator)
    for person, status in ((intruder, 404), (member, 404), (comms, 200), (moderator, 200)):
        login(person)
        assert client.get(f"/moderation/decisions/{decision_id}").status_code == status
    login(intruder)
    assert client.post(f"/moderation/decisions/{decision_id}/appeal", data={"text": "x"}).status_code == 404
    assert client.post("/moderation/appeals/1/decide", data={"outcome": "upheld"}).status_code == 403
    for url in ("/moderation/decisions/0", "/moderation/decisions/99999999999"):
        assert client.get(url).status_code == 404
