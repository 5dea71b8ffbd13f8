"""Ask leadership: questions, anonymity (never shown to peers, anywhere; never hidden from admins),
one upvote each, public answers, and each leader's response rate and median time to answer."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.leadership import questions
from app.models import AuditEntry, Event, Notification, Question, User
from tests import factories
from tests.api_helpers import api_factory  # noqa: F401
from tests.realtime_helpers import received, sign_in

ASKER = "Wren Whistleblower"


@pytest.fixture
def asker(app):
    """The person who asks (detached)."""
    with app.app_context():
        user = factories.make_user(name=ASKER)
        db.session.expunge(user)
        return user


def ask(app, asker, leader, body="Why are we closing the front counter?", anonymous=True) -> int:
    with app.app_context():
        row = questions.ask(db.session.get(User, asker.id), leader.id, body, anonymous)
        db.session.commit()
        return row.id


def test_asking_from_the_page_notifies_the_leader(app, client, login, asker, leader):
    login(asker)
    response = client.post(
        "/leadership/ask", data={"leader_id": leader.id, "body": "Will we get **new radios**?"}
    )
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(Question))
        assert (row.leader_id, row.asker_id, row.anonymous) == (leader.id, asker.id, False)
        assert "<strong>new radios</strong>" in row.body_html
        note = db.session.scalar(select(Notification).where(Notification.kind == "question_asked"))
        assert (note.user_id, note.actor_id) == (leader.id, asker.id)
    login(leader)
    assert ASKER.encode() in client.get("/notifications").data


def test_an_anonymous_askers_name_never_reaches_peers_or_the_leader(
    app, client, login, api, sockets, asker, leader, member, admin
):
    leader_socket = sockets.connect(sign_in(app, leader))
    peer_socket = sockets.connect(sign_in(app, member))
    question_id = ask(app, asker, leader)
    for sock in (leader_socket, peer_socket):
        for payload in received(sock):
            named = {key for key, value in payload.items() if value == asker.id}
            assert named <= {"notification_id", "question_id", "seq"} and ASKER not in str(payload)
    with app.app_context():
        note = db.session.scalar(select(Notification).where(Notification.kind == "question_asked"))
        assert note.actor_id is None and set(note.data) == {"question_id", "excerpt"}
        event = db.session.scalar(select(Event).where(Event.name == "question_asked"))
        assert event.actor_id is None and set(event.data) == {"question_id", "leader_id"}
    for who in (member, leader):
        login(who)
        for path in (
            "/leadership/ask",
            "/leadership/ask?tab=new",
            f"/leadership/questions/{question_id}",
            "/notifications",
        ):
            page = client.get(path).data.decode()
            assert ASKER not in page and f"/people/{asker.id}" not in page, (who.name, path)
        assert "Anonymous colleague" in client.get(f"/leadership/questions/{question_id}").data.decode()
        data = api(who).get(f"/questions/{question_id}").get_json()
        assert data["asker"] is None and data["anonymous"] is True
        assert ASKER not in str(api(who).get("/questions").get_json())
        assert ASKER not in str(api(who).get("/events").get_json())
    login(admin)
    assert "only admins see this name" in client.get(f"/leadership/questions/{question_id}").data.decode()
    assert api(admin).get(f"/questions/{question_id}").get_json()["asker"]["id"] == asker.id
    login(asker)
    assert "you asked anonymously" in client.get(f"/leadership/questions/{question_id}").data.decode()


@pytest.mark.parametrize(
    "data,field",
    [
        ({"leader_id": "", "body": "Q"}, "leader_id"),
        ({"leader_id": "abc", "body": "Q"}, "leader_id"),
        ({"leader_id": "99999999999999", "body": "Q"}, "leader_id"),
        ({"body": "Q", "leader_id": "MEMBER"}, "leader_id"),
        ({"body": "", "leader_id": "LEADER"}, "body"),
        ({"body": "x" * 2001, "leader_id": "LEADER"}, "body"),
    ],
)
def test_bad_questions_keep_the_text_and_store_nothing(
    app, client, login, asker, leader, member, data, field
):
    data = {k: {"LEADER": str(leader.id), "MEMBER": str(member.id)}.get(v, v) for k, v in data.items()}
    login(asker)
    response = client.post("/leadership/ask", data=data)
    assert response.status_code == 422 and b"field__error" in response.data
    if data["body"]:
        assert data["body"][:30].encode() in response.data
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Question)) == 0


def test_leaders_cannot_ask_themselves(client, login, leader):
    login(leader)
    response = client.post("/leadership/ask", data={"leader_id": leader.id, "body": "Me?"})
    assert response.status_code == 422 and b"ask yourself" in response.data


def test_one_upvote_each_and_not_your_own(app, client, login, api, asker, leader, member, comms):
    question_id = ask(app, asker, leader, anonymous=False)
    login(member)
    for _ in range(2):
        client.post(f"/leadership/questions/{question_id}/vote", data={"on": "1"})
    assert api(comms).put(f"/questions/{question_id}/vote").get_json()["votes"] == 2
    assert api(comms).put(f"/questions/{question_id}/vote").get_json()["votes"] == 2
    assert api(comms).delete(f"/questions/{question_id}/vote").get_json()["votes"] == 1
    own = api(asker).put(f"/questions/{question_id}/vote")
    assert own.status_code == 422
    page = client.get(f"/leadership/questions/{question_id}").data.decode()
    assert 'aria-pressed="true"' in page and "Upvote, 1 vote" in page


def test_top_orders_by_upvotes(app, api, asker, leader, member, comms):
    quiet, popular = ask(app, asker, leader, "Quiet one?"), ask(app, asker, leader, "Popular one?")
    for who in (member, comms):
        api(who).put(f"/questions/{quiet}/vote")
    api(member).put(f"/questions/{popular}/vote")
    tops = [q["id"] for q in api(member).get("/questions?tab=top").get_json()["items"]]
    assert tops == [quiet, popular]
    assert [q["id"] for q in api(member).get("/questions?tab=new").get_json()["items"]] == [popular, quiet]
    assert api(member).get("/questions?tab=bogus").status_code == 422
    assert api(member).get("/questions?leader=abc").status_code == 422


def test_only_the_leader_asked_answers_and_the_asker_and_upvoters_hear(
    app, client, login, api, asker, leader, member
):
    question_id = ask(app, asker, leader)
    api(member).put(f"/questions/{question_id}/vote")
    with app.app_context():
        other = factories.make_user(name="Other Leader", role="leader")
    login(other)
    assert (
        client.post(f"/leadership/questions/{question_id}/answer", data={"answer": "Not me"}).status_code
        == 403
    )
    login(member)
    assert (
        client.post(f"/leadership/questions/{question_id}/answer", data={"answer": "Me"}).status_code == 403
    )
    login(leader)
    empty = client.post(f"/leadership/questions/{question_id}/answer", data={"answer": " "})
    assert empty.status_code == 422 and b"Write your answer" in empty.data
    assert (
        client.post(
            f"/leadership/questions/{question_id}/answer", data={"answer": "Because *footfall* fell."}
        ).status_code
        == 302
    )
    with app.app_context():
        heard = set(
            db.session.scalars(select(Notification.user_id).where(Notification.kind == "question_answered"))
        )
        assert heard == {asker.id, member.id}
        first = db.session.get(Question, question_id).answered_at
    client.post(f"/leadership/questions/{question_id}/answer", data={"answer": "Edited answer"})
    with app.app_context():
        row = db.session.get(Question, question_id)
        assert row.answered_at == first and row.answer_source == "Edited answer"
        assert db.session.scalar(select(func.count()).where(Notification.kind == "question_answered")) == 2
    assert b"Edited answer" in client.get("/leadership/ask?tab=answered").data


def test_response_rate_and_median_time_to_answer(app, client, login, asker, leader):
    ids = [ask(app, asker, leader, f"Question {i}?") for i in range(3)]
    with app.app_context():
        for question_id, hours in zip(ids[:2], (2, 6), strict=True):
            row = db.session.get(Question, question_id)
            questions.answer(db.session.get(User, leader.id), row, "Answered")
            db.session.flush()
            db.session.execute(
                update(Question)
                .where(Question.id == question_id)
                .values(answered_at=row.created_at + timedelta(hours=hours))
            )
        db.session.commit()
        [stats] = questions.leader_stats()
        assert (stats["asked"], stats["answered"], round(stats["rate"], 1), stats["median"]) == (
            3,
            2,
            66.7,
            timedelta(hours=4),
        )
    login(asker)
    page = client.get("/leadership/ask").data.decode()
    assert "2 of 3 (67%)" in page and "4 h" in page


def test_moderators_remove_questions_with_a_reason(app, client, login, asker, leader, moderator, member):
    question_id = ask(app, asker, leader, anonymous=False)
    login(member)
    assert client.post(f"/leadership/questions/{question_id}/remove", data={"reason": "x"}).status_code == 403
    login(moderator)
    no_reason = client.post(
        f"/leadership/questions/{question_id}/remove", data={"reason": ""}, follow_redirects=True
    )
    assert b"Say why" in no_reason.data
    assert (
        client.post(
            f"/leadership/questions/{question_id}/remove", data={"reason": "Names a colleague"}
        ).status_code
        == 302
    )
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "question.removed"))
        assert entry.reason == "Names a colleague" and entry.target_id == question_id
    login(member)
    assert client.get(f"/leadership/questions/{question_id}").status_code == 404
    assert b"front counter" not in client.get("/leadership/ask?tab=new").data
    login(asker)
    assert (
        client.get(f"/leadership/questions/{question_id}").status_code == 200
    )  # the asker still sees it, marked removed


def test_api_ask_and_answer(app, api, asker, leader):
    created = api(asker).post(
        "/questions", json={"leader_id": leader.id, "body": "API question", "anonymous": True}
    )
    assert created.status_code == 201 and created.get_json()["asker"]["id"] == asker.id  # I see that I asked
    question_id = created.get_json()["id"]
    answered = api(leader).post(f"/questions/{question_id}/answer", json={"answer": "API answer"})
    assert answered.status_code == 200 and answered.get_json()["answer"] == "API answer"
    assert answered.get_json()["asker"] is None
    for bad in (
        {"leader_id": leader.id, "body": "Q", "anonymous": "yes"},
        {"leader_id": "1", "body": "Q"},
        {"body": "Q"},
    ):
        assert api(asker).post("/questions", json=bad).status_code == 422, bad
