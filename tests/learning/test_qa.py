"""The live Q&A: when it's open, asking, one upvote each, answered by hosts, and delivery over
Socket.IO only to people who may read the session (an intruder gets nothing of a private one)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.learning import qa
from app.models import SessionQuestion, SessionQuestionVote, User
from tests import factories
from tests.learning.helpers import WINTER_NOON, get, schedule
from tests.realtime_helpers import received, sign_in


@pytest.fixture
def live(app, comms, frozen):
    """A public session that is on now (12:30-13:30 on the frozen clock)."""
    session_id = schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    frozen.set(WINTER_NOON + timedelta(minutes=10))
    return session_id


def ask(client, session_id: int, body: str = "How do we handle trolls?"):
    return client.post(
        f"/sessions/{session_id}/questions", data={"body": body}, headers={"X-Requested-With": "fetch"}
    )


def test_the_qa_is_open_from_start_to_end_or_when_a_host_opens_it(app, comms, member, frozen):
    session_id = schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    with app.app_context():
        session = get(session_id)
        assert qa.qa_state(session) == "waiting"
        with pytest.raises(ValidationError):
            qa.ask(db.session.get(User, member.id), session, "Too early?")
        with pytest.raises(PermissionDenied):
            qa.set_qa_open(db.session.get(User, member.id), session, True)
        qa.set_qa_open(db.session.get(User, comms.id), session, True)
        assert qa.qa_state(session) == "open"
        qa.set_qa_open(db.session.get(User, comms.id), session, False)
        assert qa.qa_state(session) == "closed"
        db.session.rollback()
        frozen.set(WINTER_NOON)
        assert qa.qa_state(get(session_id)) == "open"
        frozen.set(WINTER_NOON + timedelta(hours=1))
        assert qa.qa_state(get(session_id)) == "closed"


def test_asking_voting_once_and_answering_through_the_pages(app, client, login, comms, member, leader, live):
    login(member)
    response = ask(client, live)
    assert response.status_code == 201 and "How do we handle trolls?" in response.get_data(as_text=True)
    with app.app_context():
        question_id = db.session.scalar(select(SessionQuestion.id))
    voter = login(leader, app.test_client())
    for _ in range(3):  # one vote per person, however often they press
        voter.post(
            f"/sessions/questions/{question_id}/vote", data={"up": "1"}, headers={"X-Requested-With": "fetch"}
        )
    fragment = voter.get(f"/sessions/questions/{question_id}").get_data(as_text=True)
    assert "data-vote-count>1<" in fragment and 'aria-pressed="true"' in fragment
    voter.post(f"/sessions/questions/{question_id}/vote", data={"up": "0"})
    voter.post(f"/sessions/questions/{question_id}/vote", data={"up": "0"})
    with app.app_context():
        assert db.session.get(SessionQuestion, question_id).vote_count == 0
        assert db.session.scalar(select(SessionQuestionVote.user_id)) is None

    assert client.post(f"/sessions/questions/{question_id}/answered").status_code == 403  # members can't
    host = login(comms, app.test_client())
    assert host.post(f"/sessions/questions/{question_id}/answered", data={"answered": "1"}).status_code == 302
    assert "Answered" in host.get(f"/sessions/{live}").get_data(as_text=True)


@pytest.mark.parametrize("body", ["", "   ", "x" * 501])
def test_bad_questions_are_refused_and_nothing_is_stored(app, client, login, member, live, body):
    login(member)
    response = ask(client, live, body)
    assert response.status_code == 422 and response.get_json()["error"]["fields"]["body"]
    with app.app_context():
        assert db.session.scalar(select(SessionQuestion.id)) is None


def test_questions_are_rendered_safely(app, client, login, member, live):
    login(member)
    html = ask(client, live, "<script>alert(1)</script> **why**").get_data(as_text=True)
    assert "<script>" not in html and "<strong>why</strong>" in html


def test_authors_and_hosts_remove_questions_others_cant(app, client, login, comms, member, leader, live):
    login(member)
    ask(client, live)
    with app.app_context():
        question_id = db.session.scalar(select(SessionQuestion.id))
    other = login(leader, app.test_client())
    assert other.post(f"/sessions/questions/{question_id}/delete").status_code == 403
    assert (
        client.post(
            f"/sessions/questions/{question_id}/delete", headers={"X-Requested-With": "fetch"}
        ).status_code
        == 204
    )
    assert client.get(f"/sessions/questions/{question_id}").status_code == 404


def test_unknown_or_hidden_questions_are_404(app, client, login, comms, member, intruder, frozen):
    with app.app_context():
        place = factories.make_community(
            db.session.get(User, comms.id), "private", members=[db.session.get(User, member.id)]
        )
        place_id = place.id
    session_id = schedule(
        app, comms, community_id=place_id, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1)
    )
    frozen.set(WINTER_NOON + timedelta(minutes=1))
    login(member)
    ask(client, session_id, "Private matter")
    with app.app_context():
        question_id = db.session.scalar(select(SessionQuestion.id))
        with pytest.raises(NotFound):
            qa.get_question(db.session.get(User, intruder.id), question_id)
    outsider = login(intruder, app.test_client())
    for url in (f"/sessions/questions/{question_id}", "/sessions/questions/99999"):
        assert outsider.get(url).status_code == 404
    assert outsider.post(f"/sessions/questions/{question_id}/vote").status_code == 404
    assert outsider.post(f"/sessions/{session_id}/questions", data={"body": "let me in"}).status_code == 404


def test_questions_and_votes_arrive_live_for_everyone_on_the_page(app, sockets, comms, member, leader, live):
    asker, watcher = sign_in(app, member), sign_in(app, leader)
    asker_socket, watcher_socket = sockets.connect(asker), sockets.connect(watcher)
    received(asker_socket), received(watcher_socket)
    response = ask(asker, live)
    assert response.status_code == 201
    [created] = received(watcher_socket, "question_created")
    assert created["session_id"] == live and created["author_id"] == member.id and "seq" in created
    assert "body_source" not in created and "How do we" not in str(created)  # ids only, never content
    question_id = created["question_id"]
    watcher.post(
        f"/sessions/questions/{question_id}/vote", data={"up": "1"}, headers={"X-Requested-With": "fetch"}
    )
    [voted] = received(asker_socket, "question_updated")
    assert voted["question_id"] == question_id and voted["vote_count"] == 1 and voted["answered"] is False
    host = sign_in(app, comms)
    host.post(f"/sessions/questions/{question_id}/answered", data={"answered": "1"})
    answered = received(watcher_socket, "question_updated")[-1]
    assert answered["answered"] is True


def test_an_intruder_gets_none_of_a_private_sessions_events(app, sockets, comms, member, intruder, frozen):
    with app.app_context():
        place = factories.make_community(
            db.session.get(User, comms.id), "private", members=[db.session.get(User, member.id)]
        )
        place_id = place.id
    session_id = schedule(
        app, comms, community_id=place_id, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1)
    )
    frozen.set(WINTER_NOON + timedelta(minutes=1))
    insider, outsider = sign_in(app, member), sign_in(app, intruder)
    inside_socket, outside_socket = sockets.connect(insider), sockets.connect(outsider)
    received(inside_socket), received(outside_socket)
    assert ask(insider, session_id, "Members only").status_code == 201
    question_id = received(inside_socket, "question_created")[0]["question_id"]
    insider.post(f"/sessions/questions/{question_id}/vote", data={"up": "1"})
    insider.post(f"/sessions/{session_id}/rsvp", data={"response": "going"})
    assert [p["_event"] for p in received(inside_socket)].count("question_updated") == 1
    assert received(outside_socket) == []  # not the question, not the vote, not the RSVP
    late = sockets.connect(outsider, auth={"last_seq": 0})  # nor on catching up
    assert [p for p in received(late) if p.get("session_id") == session_id] == []
