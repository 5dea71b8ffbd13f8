"""Building digests for many people costs a constant number of queries per person, whatever they get."""

import itertools

from app.extensions import db
from tests import factories
from tests.digest.helpers import opt_in, post, send
from tests.learning.helpers import schedule
from tests.links_helpers import share

_n = itertools.count()
PER_PERSON = 7  # measured 6: pins, links, updates (+ sent check), sessions, conversations


def readers(app, count: int, community_id: int | None = None) -> list:
    with app.app_context():
        rows = [factories.make_user(name=f"Reader {n}") for n in range(count)]
        if community_id:
            from app.models import Membership

            db.session.add_all(
                Membership(community_id=community_id, user_id=r.id, role="member") for r in rows
            )
            db.session.commit()
        for row in rows:
            db.session.expunge(row)
    for row in rows:
        opt_in(app, row)
    return rows


def content(app, comms, leader, items: int) -> None:
    """`items` of each kind: posts with replies, links, sessions, updates."""
    from app.leadership.updates import publish_update
    from app.models import Post, User
    from app.posts.replies import create_reply

    for n in itertools.islice(_n, items):
        post_id = post(app, leader, f"Conversation {n} about the new rota")
        share(app, comms, f"https://example.org/page-{n}", why=f"Reason {n}")
        schedule(app, comms, title=f"Session {n}")
        with app.app_context():
            publish_update(
                db.session.get(User, leader.id), title=f"Update {n}", body="Read", ack_required=True
            )
            create_reply(db.session.get(User, comms.id), db.session.get(Post, post_id), "Agreed")
            db.session.commit()


def cost(app, count_queries, **kwargs) -> tuple[int, int]:
    with count_queries() as n:
        report = send(app, dry_run=True, **kwargs)
    return n(), len(report.would_send)


def test_queries_grow_by_a_constant_per_person_not_per_item(app, comms, leader, count_queries):
    readers(app, 4)
    content(app, comms, leader, 1)
    few_items, people = cost(app, count_queries)
    assert people == 4
    content(app, comms, leader, 4)  # five of everything now
    many_items, _ = cost(app, count_queries)
    assert many_items == few_items  # more items per person: not one query more

    readers(app, 12)
    more_people, people = cost(app, count_queries)
    assert people == 16
    per_person = (more_people - many_items) / 12
    assert per_person <= PER_PERSON, (few_items, many_items, more_people)


def test_sending_costs_a_constant_per_person_too(app, comms, leader, count_queries):
    readers(app, 3)
    content(app, comms, leader, 2)
    with count_queries() as three:
        assert send(app).sent == 3
    readers(app, 9)
    with count_queries() as nine:
        assert send(app).sent == 9  # the first three are skipped without building theirs again
    per_person = (nine() - three()) / 6
    assert per_person <= PER_PERSON + 9, (three(), nine())  # measured 14: + send row, items, outbox, delivery
