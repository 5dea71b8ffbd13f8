"""Decisions with explanations: honest mistake, needs change (and the re-review after an edit),
deliberate or serious (a strike, then a suggested restriction), and what author and reporter hear."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import ValidationError
from app.extensions import db
from app.models import AuditEntry, Decision, ModerationCase, Notification, Post, Reply, Strike, User, utcnow
from app.moderation import decisions, restrictions
from app.posts.replies import edit_reply
from app.posts.services import edit_post
from tests import factories
from tests.moderation_helpers import (  # noqa: F401
    clause_id,
    decide,
    make_post,
    make_reply,
    open_case_for,
    published_policy,
    report,
    status_of,
)


def _notes(app, user: User, kind: str) -> list[Notification]:
    with app.app_context():
        rows = db.session.scalars(
            select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_an_honest_mistake_leaves_the_post_and_sends_a_private_note(
    app, client, login, published, member, comms, moderator
):
    post_id = make_post(app, comms, "Car NX19 KLM was the one that rolled")
    case_id = report(app, member, "post", post_id, "keep-it-safe")
    decision_id = decide(
        app, moderator, case_id, "honest_mistake", "keep-it-safe", "Hi, please take the plate out."
    )
    assert status_of(app, Post, post_id) == "visible"
    [note] = _notes(app, comms, "moderation_decision")
    assert note.data["decision_id"] == decision_id and note.data["intent"] == "honest_mistake"
    [outcome] = _notes(app, member, "report_outcome")
    assert outcome.data["outcome"] == "honest_mistake" and "explanation" not in outcome.data
    login(comms)
    notes = client.get("/notifications").get_data(as_text=True)
    assert "Honest mistake" in notes and f"/moderation/decisions/{decision_id}" in notes
    page = client.get(f"/moderation/decisions/{decision_id}").get_data(as_text=True)
    assert "Hi, please take the plate out." in page and "2. Keep information safe" in page
    assert "Nothing is recorded against you" in page and "Send appeal" in page
    login(member)
    told = client.get("/notifications").get_data(as_text=True)
    assert "a moderator has spoken to the author about it" in told and "take the plate out" not in told
    assert client.get(f"/moderation/decisions/{decision_id}").status_code == 404  # the reporter can't read it
    with app.app_context():
        assert db.session.scalar(select(Strike)) is None
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.decided"))
        assert entry.target_id == case_id and entry.data["intent"] == "honest_mistake"
        assert entry.reason == "Honest mistake: 2. Keep information safe"  # the explanation stays on the case


def test_needs_change_hides_until_the_author_edits_then_it_comes_back_for_review(
    app, client, login, published, member, comms, moderator
):
    post_id = make_post(app, comms, "Sarge is useless at rotas")
    case_id = report(app, member, "post", post_id, "respect")
    decision_id = decide(
        app, moderator, case_id, "needs_change", "respect", "Make it about the rota, not the person."
    )
    assert status_of(app, Post, post_id) == "hidden"
    login(member)
    assert client.get(f"/posts/{post_id}").status_code == 404
    assert "Sarge is useless" not in client.get("/").get_data(as_text=True)
    login(comms)
    card = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "Hidden until it's changed" in card and f"/moderation/decisions/{decision_id}" in card
    assert (
        client.post(f"/posts/{post_id}/edit", data={"body": "The rota needs another look"}).status_code == 302
    )
    assert status_of(app, Post, post_id) == "held"
    again = open_case_for(app, f"post:{post_id}")
    assert again is not None and again.id != case_id and again.source == "held"
    assert "changed it after a moderator asked" in again.hold_reason
    login(moderator)
    case_page = client.get(f"/moderation/cases/{again.id}").get_data(as_text=True)
    assert "Earlier decisions on this post" in case_page and "Needs a change" in case_page
    decide(app, moderator, again.id, "no_breach", None, "")
    assert status_of(app, Post, post_id) == "visible"
    assert _notes(app, comms, "post_approved")
    login(member)
    assert client.get(f"/posts/{post_id}").status_code == 200


def test_serious_removes_records_a_strike_and_repeats_suggest_a_restriction(
    app, client, login, published, member, comms, moderator
):
    first = report(app, member, "post", make_post(app, comms, "First bad post"), "respect")
    second_post = make_post(app, comms, "Second bad post")
    second = report(app, member, "post", second_post, "respect")
    decide(app, moderator, first, "serious", "respect", "This is bullying.")
    with app.app_context():
        assert restrictions.suggestion(db.session.get(User, comms.id)) is None  # one strike
    decide(app, moderator, second, "serious", "respect", "Again.")
    assert status_of(app, Post, second_post) == "deleted"
    login(member)
    assert "This post was removed." in client.get(f"/posts/{second_post}").get_data(as_text=True)
    with app.app_context():
        person = db.session.get(User, comms.id)
        assert len(restrictions.active_strikes(person)) == 2
        assert restrictions.suggestion(person) == {"strikes": 2, "days": 7}
    login(moderator)
    page = client.get(f"/moderation/cases/{second}").get_data(as_text=True)
    assert "Pause their posting?" in page and "2 strikes" in page
    bad = client.post(f"/moderation/cases/{second}/restrict", data={"days": "500", "reason": ""})
    assert bad.status_code == 422 and "Choose between 1 and 90 days." in bad.get_data(as_text=True)
    ok = client.post(
        f"/moderation/cases/{second}/restrict", data={"days": "3", "reason": "repeated bullying"}
    )
    assert ok.status_code == 302
    assert _notes(app, comms, "posting_restricted")
    login(comms)
    blocked = client.post("/posts", data={"body": "Can I post?"})
    assert blocked.status_code == 422 and "You can&#39;t post or reply until" in blocked.get_data(
        as_text=True
    )
    other = make_post(app, member, "A colleague's post")
    reply = client.post(f"/posts/{other}/replies", data={"body": "Replying"})
    assert reply.status_code == 422 and "repeated bullying" in reply.get_data(as_text=True)
    assert client.post(f"/posts/{other}/react", data={"kind": "like"}).status_code == 302  # reacting is fine
    with app.app_context():
        restriction = restrictions.active_restriction(comms.id)
        restriction_id = restriction.id
    login(moderator)
    client.post(f"/moderation/restrictions/{restriction_id}/lift", data={"reason": "Spoke in person"})
    login(comms)
    assert client.post("/posts", data={"body": "Back again"}).status_code == 302
    actions = _actions(app)
    for action in (
        "post.removed",
        "moderation.strike_recorded",
        "moderation.restricted",
        "moderation.restriction_lifted",
    ):
        assert action in actions


def test_a_restriction_ends_by_itself(app, published, member, moderator):
    with app.app_context():
        mod, person = db.session.get(User, moderator.id), db.session.get(User, member.id)
        row = restrictions.restrict(mod, person, 1, "cool off")
        assert restrictions.active_restriction(person.id) is row
        row.ends_at = utcnow() - timedelta(seconds=1)
        assert restrictions.active_restriction(person.id) is None


def test_old_strikes_fall_out_of_the_window(app, published, member, comms, moderator):
    for _ in range(2):
        decide(app, moderator, report(app, member, "post", make_post(app, comms), "respect"), "serious")
    with app.app_context():
        for strike in db.session.scalars(select(Strike)):
            strike.created_at = utcnow() - timedelta(days=400)
        assert restrictions.suggestion(db.session.get(User, comms.id)) is None


def test_a_restricted_author_may_still_edit_to_put_things_right(app, published, member, comms, moderator):
    post_id = make_post(app, comms, "Original")
    with app.app_context():
        restrictions.restrict(db.session.get(User, moderator.id), db.session.get(User, comms.id), 2, "pause")
        edit_post(db.session.get(User, comms.id), db.session.get(Post, post_id), "Edited while restricted")
        db.session.commit()


def test_decisions_on_replies_keep_the_reply_count_right(app, published, member, comms, moderator):
    post_id = make_post(app, member)
    reply_id = make_reply(app, comms, post_id, "Nasty reply")
    make_reply(app, member, post_id, "Kind reply")
    case_id = report(app, member, "reply", reply_id, "respect")
    decide(app, moderator, case_id, "needs_change", "respect", "Please reword.")
    with app.app_context():
        assert db.session.get(Post, post_id).reply_count == 1
        edit_reply(db.session.get(User, comms.id), db.session.get(Reply, reply_id), "Reworded reply")
        db.session.commit()
    assert status_of(app, Reply, reply_id) == "held"
    again = open_case_for(app, f"reply:{reply_id}")
    decide(app, moderator, again.id, "no_breach", None, "")
    with app.app_context():
        assert db.session.get(Reply, reply_id).status == "visible"
        assert db.session.get(Post, post_id).reply_count == 2


def test_a_profile_decision_notes_the_person_without_hiding_anything(
    app, client, login, published, member, comms, moderator
):
    case_id = report(app, member, "user", comms.id, None, "Bio has a slur")
    decision_id = decide(app, moderator, case_id, "needs_change", "respect", "Please change your bio.")
    login(comms)
    page = client.get(f"/moderation/decisions/{decision_id}").get_data(as_text=True)
    assert "Please change your profile" in page and "Please change your bio." in page


@pytest.mark.parametrize(
    ("intent", "clause", "explanation", "field"),
    [
        ("", "respect", "text", "intent"),
        ("ban_forever", "respect", "text", "intent"),
        ("honest_mistake", "respect", "", "explanation"),
        ("honest_mistake", "respect", "x" * 5001, "explanation"),
        ("serious", None, "text", "clause_id"),
    ],
)
def test_a_decision_needs_an_intent_an_explanation_and_a_clause(
    app, published, member, comms, moderator, intent, clause, explanation, field
):
    case_id = report(app, member, "post", make_post(app, comms), "respect")
    with app.app_context():
        mod, case = db.session.get(User, moderator.id), db.session.get(ModerationCase, case_id)
        decisions.claim(mod, case)
        with pytest.raises(ValidationError) as exc:
            decisions.decide(mod, case, intent, clause_id(app, clause) if clause else None, None, explanation)
        assert field in exc.value.fields
        assert db.session.scalar(select(Decision)) is None


def test_deciding_without_claiming_or_twice_is_refused(app, published, member, comms, moderator):
    case_id = report(app, member, "post", make_post(app, comms), "respect")
    with app.app_context():
        mod, case = db.session.get(User, moderator.id), db.session.get(ModerationCase, case_id)
        with pytest.raises(ValidationError, match="Please correct"):
            decisions.decide(mod, case, "no_breach", None, None, "")
    decide(app, moderator, case_id, "no_breach", None, "")
    with app.app_context():
        mod, case = db.session.get(User, moderator.id), db.session.get(ModerationCase, case_id)
        with pytest.raises(ValidationError):
            decisions.claim(mod, case)


def test_no_breach_tells_the_reporter_but_not_the_author(app, published, member, comms, moderator):
    case_id = report(app, member, "post", make_post(app, comms), "respect")
    decide(app, moderator, case_id, "no_breach", None, "")
    assert not _notes(app, comms, "moderation_decision")
    [outcome] = _notes(app, member, "report_outcome")
    assert outcome.data["outcome"] == "no_breach"


def test_the_decision_form_through_the_pages(app, client, login, published, member, comms, moderator):
    post_id = make_post(app, comms, "Posting the victim's street name")
    case_id = report(app, member, "post", post_id, "keep-it-safe")
    login(moderator)
    page = client.get(f"/moderation/cases/{case_id}").get_data(as_text=True)
    assert "Start reviewing" in page and "Send decision" not in page
    client.post(f"/moderation/cases/{case_id}/claim")
    bad = client.post(
        f"/moderation/cases/{case_id}/decide", data={"intent": "serious", "clause_id": "x", "explanation": ""}
    )
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Choose a clause from the list." in text and "Explain the decision" in text
    good = client.post(
        f"/moderation/cases/{case_id}/decide",
        data={
            "intent": "needs_change",
            "clause_id": str(clause_id(app, "keep-it-safe")),
            "explanation": "Take out the street.",
        },
    )
    assert good.status_code == 302
    assert "Decided: Needs a change" in client.get(good.headers["Location"]).get_data(as_text=True)


def test_the_whole_path_is_audited(app, published, member, comms, moderator):
    case_id = report(app, member, "post", make_post(app, comms), "respect")
    decide(app, moderator, case_id, "needs_change")
    assert _actions(app)[-3:] == ["moderation.claimed", "post.hidden", "moderation.decided"]


def test_moderators_have_a_name_in_the_log_but_not_in_the_authors_notification(
    app, published, member, comms, moderator
):
    decide(app, moderator, report(app, member, "post", make_post(app, comms), "respect"), "honest_mistake")
    [note] = _notes(app, comms, "moderation_decision")
    assert note.actor_id is None


def test_a_moderator_can_decide_for_a_community_they_may_read_only(app, client, login, published, admin):
    with app.app_context():
        leader = factories.make_user(role="leader")
        insider = factories.make_user()
        mod = factories.make_user(role="moderator")
        private = factories.make_community(leader, "private", "Sergeants", [insider])
        ids = (leader.id, insider.id, mod.id, private.id)
    post_id = make_post(app, db_user(app, ids[0]), "Private grumble", ids[3])
    case_id = report(app, db_user(app, ids[1]), "post", post_id, "respect")
    login(db_user(app, ids[2]))
    assert client.post(f"/moderation/cases/{case_id}/claim").status_code == 404
    assert client.post(f"/moderation/cases/{case_id}/decide", data={"intent": "serious"}).status_code == 404


def db_user(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user
