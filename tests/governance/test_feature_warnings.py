"""The sensitive-content warning beyond posts, replies and links: leadership updates, Ask leadership
questions, proposals (draft, case, alt text) and session titles and descriptions. Each form warns
beside the text (kept), stores nothing, and publishes once the author ticks the box, recording the
confirmation; the API answers 422 sensitive_content until confirm_sensitive is true; an edit that
leaves confirmed text unchanged isn't asked again; and purging the item forgets the confirmation."""

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.governance.purge import purge_posts
from app.models import LearningSession, Post, Proposal, Question, SensitiveConfirmation, Update
from tests.api_helpers import api_factory  # noqa: F401
from tests.governance.helpers import read_html
from tests.learning.helpers import WINTER_NOON
from tests.learning.helpers import freeze as learning_freeze
from tests.proposal_helpers import channels_fixture  # noqa: F401
from tests.test_proposals_routes import _form as proposal_form

PHONE = "07700 900123"
NINO = "AB 12 34 56 C"


def _recorded(app) -> list[tuple]:
    with app.app_context():
        return list(
            db.session.execute(
                select(
                    SensitiveConfirmation.item_type,
                    SensitiveConfirmation.item_id,
                    SensitiveConfirmation.pattern,
                )
            ).all()
        )


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _warned(response, kept: str) -> str:
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "data-sensitive-warning" in page and 'name="confirm_sensitive"' in page
    assert kept in page  # the text is kept for the author to edit
    return " ".join(read_html(page).text)


def test_a_leadership_update_warns_then_publishes_when_confirmed(app, client, login, leader):
    login(leader)
    data = {"title": "OFFICIAL-SENSITIVE: estates", "body": f"Call me on {PHONE}.", "audience": "everyone"}
    text = _warned(client.post("/leadership/updates/new", data=data), f"Call me on {PHONE}.")
    assert "Protective marking in the title" in text or "in the title" in text
    assert _count(app, Update) == 0 and _recorded(app) == []
    assert client.post("/leadership/updates/new", data={**data, "confirm_sensitive": "1"}).status_code == 302
    with app.app_context():
        post_id = db.session.scalar(select(Update.post_id))
    assert {(t, i) for t, i, _ in _recorded(app)} == {("post", post_id)}
    assert {p for _, _, p in _recorded(app)} == {"protective_marking", "uk_phone"}


def test_an_ask_leadership_question_warns_then_asks_when_confirmed(app, client, login, member, leader):
    login(member)
    data = {"leader_id": leader.id, "body": f"My NI number {NINO} was on the rota sheet", "anonymous": "1"}
    _warned(client.post("/leadership/ask", data=data), NINO)
    assert _count(app, Question) == 0
    assert client.post("/leadership/ask", data={**data, "confirm_sensitive": "1"}).status_code == 302
    with app.app_context():
        question_id = db.session.scalar(select(Question.id))
    assert _recorded(app) == [("question", question_id, "ni_number")]


def test_the_questions_api_answers_422_until_confirmed(app, api, member, leader):
    client = api(member)
    body = {"leader_id": leader.id, "body": f"Ring {PHONE}"}
    refused = client.post("/questions", json=body)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "sensitive_content"
    assert client.post("/questions", json={**body, "confirm_sensitive": True}).status_code == 201
    assert [p for t, _, p in _recorded(app) if t == "question"] == ["uk_phone"]


def test_a_proposal_warns_on_its_draft_and_case_and_an_unchanged_edit_isnt_asked_again(
    app, client, login, member, channels
):
    login(member)
    data = proposal_form(channels["x"], draft=f"Call {PHONE} for tickets", why=f"NI {NINO} case")
    text = _warned(client.post("/proposals", data=data), f"Call {PHONE} for tickets")
    assert "in the draft" in text and "in the case for it" in text
    assert _count(app, Proposal) == 0 and _count(app, Post) == 0
    assert client.post("/proposals", data={**data, "confirm_sensitive": "1"}).status_code == 302
    with app.app_context():
        proposal = db.session.scalar(select(Proposal))
        proposal_id, post_id = proposal.id, proposal.post_id
    assert sorted(_recorded(app)) == [("post", post_id, "ni_number"), ("proposal", proposal_id, "uk_phone")]
    # Editing only the reputation answer: the confirmed draft and case aren't flagged again.
    edited = client.post(
        f"/proposals/{proposal_id}/edit", data={**data, "reputation_record": "Nothing since 2019."}
    )
    assert edited.status_code == 302 and len(_recorded(app)) == 2
    again = client.post(f"/proposals/{proposal_id}/edit", data={**data, "draft": f"Or ring {PHONE} now"})
    _warned(again, f"Or ring {PHONE} now")
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).draft == f"Call {PHONE} for tickets"
        purge_posts([post_id])
        db.session.commit()
    assert _recorded(app) == []


def test_a_session_description_warns_then_schedules_when_confirmed(app, client, login, comms, monkeypatch):
    learning_freeze(monkeypatch, WINTER_NOON - timedelta(days=7))
    login(comms)
    data = {
        "title": "Handling RESTRICTED material",
        "description": f"Questions beforehand to {PHONE}.",
        "date": "2026-01-13",
        "start_time": "12:30",
        "end_time": "13:30",
        "place": "HQ",
        "video_url": "",
        "capacity": "",
        "community_id": "",
        "hosts": "",
        "objective_id": "",
    }
    text = _warned(client.post("/sessions/", data=data), f"Questions beforehand to {PHONE}.")
    assert "in the title" in text and "in the description" in text
    assert _count(app, LearningSession) == 0
    assert client.post("/sessions/", data={**data, "confirm_sensitive": "1"}).status_code == 302
    with app.app_context():
        session = db.session.scalar(select(LearningSession))
        session_id, post_id = session.id, session.post_id
    assert sorted(_recorded(app)) == [
        ("post", post_id, "uk_phone"),
        ("session", session_id, "protective_marking"),
    ]
    changed = {**data, "description": f"Or ask on {PHONE} or 07700 900456."}
    _warned(client.post(f"/sessions/{session_id}/edit", data=changed), "07700 900456")
    assert (
        client.post(f"/sessions/{session_id}/edit", data={**changed, "confirm_sensitive": "1"}).status_code
        == 302
    )
    assert ("session", session_id, "uk_phone") in _recorded(app)
    with app.app_context():
        purge_posts([post_id])
        db.session.commit()
    assert _recorded(app) == []
