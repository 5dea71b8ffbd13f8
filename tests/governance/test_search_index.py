"""The search index is derived data: after an erasure, a retention removal or anonymisation, the event
log brings it in line (items gone, authors replaced, the person's entry gone), checked in the index
itself as well as in results. And an erased person's session Q&A upvotes go without touching anyone's
Ask leadership votes."""

from datetime import timedelta

from sqlalchemy import select
from whoosh.query import And, Term

from app.extensions import db
from app.leadership import questions
from app.learning import qa
from app.models import Post, QuestionVote, Reply, SessionQuestion, SessionQuestionVote, User
from app.search.index import search_index
from app.search.schema import doc_key
from tests.governance.helpers import erase, freeze, make_post, make_reply
from tests.governance.test_retention import run, set_rule
from tests.learning.helpers import WINTER_NOON, get, schedule
from tests.learning.helpers import freeze as learning_freeze
from tests.search_helpers import found, indexed


def in_index(app, type_name: str, item_id: int, author: int | None = None) -> bool:
    """Whether the index holds the item (by that author, if one is named)."""
    query = Term("key", doc_key(type_name, item_id))
    if author is not None:
        query = And([query, Term("author", str(author))])
    with search_index(app).ix().searcher() as searcher:
        return len(searcher.search(query, limit=1)) == 1


def test_an_erased_persons_entry_and_authorship_leave_the_index(app, admin, member, comms):
    post_id = make_post(app, member, "Kestrel parking arrangements for Friday")
    reply_id = make_reply(app, member, make_post(app, comms, "Kestrel rota"), "Kestrel swap please")
    indexed(app)
    with app.app_context():
        handle = db.session.get(User, member.id).handle
        assert ("post", post_id) in found(comms, f"from:@{handle} kestrel")
    assert in_index(app, "person", member.id) and in_index(app, "post", post_id, author=member.id)
    erase(app, admin, member)
    assert indexed(app) > 0
    assert not in_index(app, "person", member.id)
    with app.app_context():
        credited = db.session.get(Post, post_id).author_id
        assert db.session.get(Reply, reply_id).author_id == credited != member.id
        assert found(comms, f"from:@{handle} kestrel") == []
        assert found(comms, "Morgan", "people") == []
        assert ("post", post_id) in found(comms, "kestrel parking")  # the text stays, credited
    assert not in_index(app, "post", post_id, author=member.id)
    assert in_index(app, "post", post_id, author=credited) and in_index(
        app, "reply", reply_id, author=credited
    )


def test_retention_removal_and_anonymisation_reach_the_index(app, member, comms, monkeypatch):
    clock = freeze(monkeypatch)
    gone = make_post(app, member, "Heron briefing notes from the spring")
    kept = make_post(app, comms, "Heron lessons learned")
    reply_id = make_reply(app, member, kept, "Heron follow-up")
    indexed(app)
    with app.app_context():
        db.session.get(Post, kept).created_at = clock.at + timedelta(days=700)  # younger than the period
        db.session.commit()
    clock.advance(days=800)
    set_rule(app, "posts", 2, "years", "delete")
    set_rule(app, "replies", 2, "years", "anonymise")
    run(app)
    indexed(app)
    assert not in_index(app, "post", gone) and in_index(app, "post", kept)
    assert in_index(app, "reply", reply_id) and not in_index(app, "reply", reply_id, author=member.id)
    with app.app_context():
        assert ("post", gone) not in found(comms, "heron") and ("post", kept) in found(comms, "heron")


def test_erasure_removes_session_upvotes_and_leaves_leadership_votes_alone(
    app, admin, member, comms, leader, monkeypatch
):
    frozen = learning_freeze(monkeypatch, WINTER_NOON - timedelta(days=7))
    session_id = schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    frozen.set(WINTER_NOON + timedelta(minutes=5))
    with app.app_context():
        session = get(session_id)
        asked = qa.ask(db.session.get(User, comms.id), session, "How do we handle trolls?")
        db.session.flush()
        qa.vote(db.session.get(User, member.id), asked, session, True)
        leadership = questions.ask(db.session.get(User, comms.id), leader.id, "Pay review?", False)
        questions.set_vote(db.session.get(User, admin.id), leadership, True)
        db.session.commit()
        asked_id, question_id = asked.id, leadership.id
        assert db.session.get(SessionQuestion, asked_id).vote_count == 1
    erase(app, admin, member)
    with app.app_context():
        assert db.session.get(SessionQuestion, asked_id).vote_count == 0
        assert db.session.scalar(select(SessionQuestionVote)) is None
        # Ask leadership's votes are another table: an admin's vote stays.
        assert list(db.session.scalars(select(QuestionVote.question_id))) == [question_id]
