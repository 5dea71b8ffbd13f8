"""Leadership in governance: updates, receipts, questions and votes in subject access (read back from
the zip), erasure that keeps updates and questions credited to the placeholder (an anonymous question
stays anonymous), disclosure of a community's updates, and retention of receipts, votes and questions
with a controllable clock, a legal hold and the open-question keep rule."""

from sqlalchemy import func, select

from app.extensions import db
from app.governance import holds
from app.governance.purge import purge_posts
from app.leadership import questions
from app.leadership.updates import acknowledge
from app.models import Event, Notification, Question, QuestionVote, Update, UpdateReceipt, User
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
from tests.test_updates import publish


def _ask(app, asker, leader, body, anonymous=True) -> int:
    with app.app_context():
        row = questions.ask(db.session.get(User, asker.id), leader.id, body, anonymous)
        db.session.commit()
        return row.id


def _vote(app, user, question_id) -> None:
    with app.app_context():
        questions.set_vote(db.session.get(User, user.id), db.session.get(Question, question_id), True)
        db.session.commit()


def _answer(app, leader, question_id, body="We will keep it open on weekdays.") -> None:
    with app.app_context():
        questions.answer(db.session.get(User, leader.id), db.session.get(Question, question_id), body)
        db.session.commit()


def _acknowledge(app, user, update_id) -> None:
    with app.app_context():
        acknowledge(db.session.get(User, user.id), db.session.get(Update, update_id))
        db.session.commit()


def test_subject_access_holds_updates_receipts_questions_and_votes(app, client, leader, member, comms):
    update_id = publish(app, leader, title="Winter plan", body="How we get through winter.")
    _acknowledge(app, member, update_id)
    mine = _ask(app, member, leader, "Why is the front counter closing?", anonymous=True)
    theirs = _ask(app, comms, leader, "When is the pay review?", anonymous=False)
    _vote(app, member, theirs)
    archive = subject_access(app, client, member)
    items = zip_json(archive, "data/leadership.json")["items"]
    receipt = next(i for i in items if "received_update" in i)
    assert receipt["received_update"] == "Winter plan" and receipt["acknowledged_at"]
    asked = next(i for i in items if "asked" in i)
    assert (asked["asked"], asked["anonymous"], asked["to"]) == (
        "Why is the front counter closing?",
        True,
        "Lee Leader",
    )
    assert {"upvoted_question_id": theirs} == {k: v for k, v in items[-1].items() if k != "at"}
    index = " ".join(read_html(archive.read("index.html").decode()).text)
    assert "Leadership updates and questions" in index and "Why is the front counter closing?" in index
    # The leader's own download holds what was asked of them, never who asked anonymously.
    boss = subject_access(app, client, leader)
    text = boss.read("data/leadership.json").decode()
    assert "Why is the front counter closing?" in text and "How we get through winter." in text
    assert "Morgan Member" not in text and str(mine) in text


def test_erasure_keeps_updates_and_questions_credited_and_anonymous_ones_anonymous(
    app, client, login, admin, leader, member, comms
):
    update_id = publish(app, leader, title="Estates", body="Our estates plan.")
    _acknowledge(app, member, update_id)
    anonymous = _ask(app, member, leader, "Is the canteen closing?", anonymous=True)
    named = _ask(app, member, leader, "Can we have bike racks?", anonymous=False)
    _vote(app, member, _ask(app, comms, leader, "Hybrid working?", anonymous=False))
    _answer(app, leader, anonymous)
    drain(app)  # the event log delivered and indexed, as the job runner would
    erase(app, admin, member)
    login(comms)  # a peer still sees an anonymous colleague, not even the placeholder
    page = " ".join(read_html(client.get(f"/leadership/questions/{anonymous}").get_data(as_text=True)).text)
    assert "Anonymous colleague" in page and "Former member" not in page and "Morgan Member" not in page
    login(admin)  # admins see who asked: the placeholder
    page = " ".join(read_html(client.get(f"/leadership/questions/{anonymous}").get_data(as_text=True)).text)
    assert "Former member (erased) anonymous to colleagues; only admins see this name" in page
    erase(app, admin, leader)
    with app.app_context():
        assert rows_pointing_at(member.id) == rows_pointing_at(leader.id) == {}
        left = db.session.scalars(select(Event).where(Event.user_id.in_([member.id, leader.id])))
        assert {e.name for e in left if e.search_indexed} == set()  # only the erasure's own, undelivered
        assert foreign_key_problems() == []
        tables = ("updates", "update_receipts", "questions", "question_votes", "posts", "notifications")
        for name in ("Morgan Member", "Lee Leader", member.email, leader.email):
            assert text_mentions(name, *tables) == [], name
        row = db.session.get(Question, anonymous)
        assert row.anonymous and row.asker.name == "Former member (erased)"
        assert row.body_source == "Is the canteen closing?" and row.answer_source  # the answer stays
        assert db.session.get(Update, update_id).leader.name == "Former member (erased)"
        assert db.session.get(Question, named).asker.is_erased
        assert db.session.scalar(select(func.count()).select_from(QuestionVote)) == 0


def test_disclosure_has_the_communitys_updates_and_all_staffs_questions(
    app, admin, leader, comms, member, intruder, all_staff
):
    team = community(app, comms, "private", name="Response team", members=(member,))
    other = community(app, comms, "secret", name="Operation Heron", members=(member, leader))
    publish(
        app, leader, title="To the team", body="Well done on Friday.", everyone=False, community_ids=[team]
    )
    publish(app, leader, title="To Heron only", body="Heron words.", everyone=False, community_ids=[other])
    _ask(app, member, leader, "Anonymous worry", anonymous=True)
    _ask(app, intruder, leader, "Named question", anonymous=False)
    archive = disclosure(app, admin, team)
    rows = csv_rows(archive, "leadership_updates.csv")
    assert list(rows[0]) == [
        "update_id",
        "post_id",
        "title",
        "leader",
        "published_by",
        "audience",
        "ack_required",
        "status",
        "text",
        "published_at",
    ]
    assert [(r["title"], r["text"], r["leader"]) for r in rows] == [
        ("To the team", "Well done on Friday.", "Lee Leader")
    ]
    assert csv_rows(archive, "leadership_questions.csv") == []  # questions belong to All staff
    assert "Heron words" not in archive.read("index.html").decode()
    staff = disclosure(app, admin, all_staff.id)
    asked = {r["text"]: r["asker"] for r in csv_rows(staff, "leadership_questions.csv")}
    assert asked == {"Anonymous worry": "Anonymous", "Named question": "Ivy Intruder"}
    assert {r["title"] for r in csv_rows(staff, "leadership_updates.csv")} == {"To the team", "To Heron only"}


def test_retention_of_receipts_votes_and_questions_with_a_hold_and_open_questions_kept(
    app, admin, leader, member, comms, monkeypatch
):
    clock = freeze(monkeypatch)
    old_update = publish(app, leader, title="Old", body="Old news.")
    answered = _ask(app, comms, leader, "Answered long ago?", anonymous=False)
    waiting = _ask(app, comms, leader, "Still waiting?", anonymous=True)
    _vote(app, member, answered)
    _vote(app, member, waiting)
    _answer(app, leader, answered)
    with app.app_context():  # everything above was written two years ago
        for model, column in ((Update, Update.created_at), (Question, Question.created_at)):
            db.session.execute(model.__table__.update().values({column.key: clock.at}))
        db.session.execute(QuestionVote.__table__.update().values(created_at=clock.at))
        db.session.commit()
        receipts = db.session.scalar(select(func.count()).select_from(UpdateReceipt))
    assert receipts >= 2
    clock.advance(days=800)
    for kind, action in (
        ("update_receipts", "delete"),
        ("question_votes", "delete"),
        ("questions", "anonymise"),
    ):
        set_rule(app, kind, 2, "years", action)
    with app.app_context():
        hold = holds.create_hold(db.session.get(User, admin.id), person=member.email, reason="Grievance G-4")
        db.session.commit()
    results = run(app)
    held_receipts = count(app, UpdateReceipt, UpdateReceipt.user_id == member.id)
    assert held_receipts == 1 and results["update_receipts"]["kept_by_hold"] == 1
    assert count(app, UpdateReceipt) == 1  # everyone else's went
    assert count(app, QuestionVote) == 2 and results["question_votes"]["kept_by_hold"] == 1
    with app.app_context():
        assert {q.asker.name for q in db.session.scalars(select(Question))} == {"Anonymised"}
        assert db.session.get(Question, waiting).anonymous  # still anonymous, now to admins too
        holds.lift_hold(db.session.get(User, admin.id), hold.id, "Closed")
        db.session.commit()
    run(app)
    assert count(app, UpdateReceipt) == 0
    # The vote on the unanswered question stays whatever its age: it still ranks the question.
    with app.app_context():
        assert list(db.session.execute(select(QuestionVote.question_id)).scalars()) == [waiting]
    set_rule(app, "questions", 2, "years", "delete")
    run(app)
    assert count(app, Question) == 0 and count(app, QuestionVote) == 0
    assert (
        count(app, Notification, Notification.data["question_id"].as_integer().in_([answered, waiting])) == 0
    )
    assert old_update


def test_an_updates_post_removed_for_good_takes_its_update_and_receipts(app, leader, member):
    update_id = publish(app, leader, title="Gone", body="Soon gone.")
    with app.app_context():
        post_id = db.session.get(Update, update_id).post_id
        purge_posts([post_id])
        db.session.commit()
        assert db.session.get(Update, update_id) is None
        assert db.session.scalar(select(func.count()).select_from(UpdateReceipt)) == 0
        assert (
            db.session.scalar(
                select(func.count()).where(Notification.data["update_id"].as_integer() == update_id)
            )
            == 0
        )
        assert foreign_key_problems() == []
