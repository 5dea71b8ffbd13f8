"""Search honours governance: what retention removes or anonymises and what an erasure takes away
leaves the index too (no result, no author, no name to match), for every type."""

from app.extensions import db
from app.governance.erasure import erase_person
from app.governance.purge import anonymise_posts, purge_posts
from app.leadership.questions import ask
from app.models import CuratedLink, LearningSession, User
from app.search.check import check_index, repair
from app.search.index import search_index
from app.search.services import search
from tests import factories
from tests.learning.helpers import schedule
from tests.search_helpers import found, fresh, indexed, reply, write
from tests.test_search_features import _share


def _matches_database(app) -> None:
    report = check_index(search_index(app))
    assert report.problems == 0, (report.missing, report.stale, report.extra)


def _aligned(app) -> None:
    """Index what fixtures made without events (All staff), so a later check sees only our changes."""
    repair(search_index(app), check_index(search_index(app)))
    _matches_database(app)


def test_retention_purges_and_anonymising_leave_the_index(app, ctx, comms, member):
    link = _share(comms, title="Lapwing guidance for social media")
    link_id, link_post = link.id, link.post_id
    session_id = schedule(app, comms, title="Lapwing storytelling")
    session_post = db.session.get(LearningSession, session_id).post_id
    indexed(app)
    _aligned(app)
    handle = fresh(comms).handle
    assert found(member, f"lapwing from:@{handle}", "links") == [("link", link_id)]
    db.session.rollback()
    # Retention anonymises the link's post: the curator no longer finds it under their name.
    anonymise_posts([link_post])
    db.session.commit()
    indexed(app)
    assert found(member, f"lapwing from:@{handle}", "links") == []
    [hit] = search(fresh(member), "lapwing", "links").hits
    assert hit.item.author.id != comms.id
    db.session.rollback()
    # Retention removes posts for good: the link and the session (cascaded away with them) go too.
    purge_posts([link_post, session_post])
    db.session.commit()
    indexed(app)
    assert found(member, "lapwing", "links") == [] and found(member, "lapwing", "sessions") == []
    assert db.session.get(CuratedLink, link_id) is None
    _matches_database(app)


def test_an_erased_person_leaves_no_trace_in_search(app, ctx, admin, comms, leader, member):
    person = factories.make_user(name="Quentin Quarrie", job_title="Firearms instructor")
    post = write(person, "Range day booking is open")
    reply(person, post, "Bring ear defenders")
    session_id = schedule(app, comms, title="Range safety", host_ids=[person.id, comms.id])
    question = ask(fresh(person), leader.id, "Can we have a second range?")
    db.session.commit()
    indexed(app)
    _aligned(app)
    handle = fresh(person).handle
    assert found(member, "quarrie", "people") == [("person", person.id)]
    assert found(member, "quarrie", "sessions") == [("session", session_id)]  # hosts' names are indexed
    assert found(member, f"from:@{handle} range", "posts") == [("post", post.id)]
    assert found(member, f"from:@{handle} second", "questions") == [("question", question.id)]
    db.session.rollback()
    erase_person(fresh(admin), db.session.get(User, person.id), "SAR-2026-001", confirmed=True)
    db.session.commit()
    indexed(app)
    for tab in ("people", "posts", "sessions", "questions", "links", "updates", "proposals", "communities"):
        assert search(fresh(member), "quarrie", tab).total == 0, tab
        assert search(fresh(member), "firearms instructor", tab).total == 0, tab
    assert found(member, f"from:@{handle} range", "posts") == []
    assert found(member, f"from:@{handle} second", "questions") == []  # the question was re-indexed
    # Their content stays (credited to "Former member (erased)"), and the index says so too.
    [hit] = search(fresh(member), "booking", "posts").hits
    assert hit.item.author.name.startswith("Former member")
    assert found(member, "second range", "questions") == [("question", question.id)]
    _matches_database(app)
