"""Capacity holds under concurrent RSVPs: parallel requests through the real app, on whichever
database the suite runs on (SQLite by default; PostgreSQL with TEST_DATABASE_URL), both through
test clients in threads and through a real threaded HTTP server."""

import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from http.cookiejar import CookieJar

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app.extensions import db
from app.learning import rsvps
from app.models import LearningSession, Notification, SessionRsvp, User, utcnow
from tests import factories
from tests.learning.helpers import get, schedule

pytestmark = pytest.mark.slow

# More parallel writers than the connection pool holds (5 + 10 overflow): events are dispatched
# after the request's connection is handed back, so writers never wait on each other for a second one.
CAPACITY, PEOPLE = 5, 24


def people(app, n: int) -> list[User]:
    with app.app_context():
        rows = [factories.make_user() for _ in range(n)]
        for row in rows:
            db.session.expunge(row)
        return rows


def statuses(app, session_id: int) -> tuple[int, dict[str, int]]:
    with app.app_context():
        count = db.session.get(LearningSession, session_id).going_count
        rows = db.session.execute(
            select(SessionRsvp.status, func.count())
            .where(SessionRsvp.session_id == session_id)
            .group_by(SessionRsvp.status)
        ).all()
        return count, dict(rows)


def in_parallel(jobs) -> list:
    """Run the callables at the same moment, one thread each; returns their results or exceptions."""
    start = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i, job):
        start.wait()
        try:
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_parallel_going_never_overbooks_and_queues_the_rest(app, login, comms):
    start = utcnow() + timedelta(days=2)
    session_id = schedule(app, comms, capacity=CAPACITY, starts_at=start, ends_at=start + timedelta(hours=1))
    crowd = people(app, PEOPLE)
    clients = [login(person, app.test_client()) for person in crowd]

    def go(client):
        return lambda: client.post(f"/sessions/{session_id}/rsvp", data={"response": "going"}).status_code

    assert in_parallel([go(c) for c in clients]) == [302] * PEOPLE
    count, by_status = statuses(app, session_id)
    assert count == CAPACITY and by_status == {"going": CAPACITY, "waiting": PEOPLE - CAPACITY}
    with app.app_context():
        positions = sorted(rsvps.my_rsvp(p, get(session_id)).position or 0 for p in crowd)
        assert positions == [0] * CAPACITY + list(range(1, PEOPLE - CAPACITY + 1))

    # Everyone going drops out at once: the waiting list fills every seat, in order, once each.
    with app.app_context():
        going = set(
            db.session.scalars(
                select(SessionRsvp.user_id).where(
                    SessionRsvp.session_id == session_id, SessionRsvp.status == "going"
                )
            )
        )
    leavers = [c for c, p in zip(clients, crowd, strict=True) if p.id in going]

    def leave(client):
        return lambda: client.post(f"/sessions/{session_id}/rsvp", data={"response": "cant"}).status_code

    assert in_parallel([leave(c) for c in leavers]) == [302] * CAPACITY
    count, by_status = statuses(app, session_id)
    assert count == CAPACITY
    assert by_status == {"going": CAPACITY, "waiting": PEOPLE - 2 * CAPACITY, "cant": CAPACITY}
    with app.app_context():
        promoted = db.session.scalar(select(func.count()).where(Notification.kind == "session_promoted"))
        assert promoted == CAPACITY


def test_one_person_double_clicking_takes_one_seat(app, login, comms, member):
    start = utcnow() + timedelta(days=2)
    session_id = schedule(app, comms, capacity=3, starts_at=start, ends_at=start + timedelta(hours=1))
    clients = [login(member, app.test_client()) for _ in range(6)]
    answers = ["going", "maybe", "going", "cant", "going", "going"]

    def reply(client, answer):
        return lambda: client.post(f"/sessions/{session_id}/rsvp", data={"response": answer}).status_code

    assert in_parallel([reply(c, a) for c, a in zip(clients, answers, strict=True)]) == [302] * 6
    count, by_status = statuses(app, session_id)
    assert sum(by_status.values()) == 1
    assert count == by_status.get("going", 0)  # the counter matches the rows, whatever won


@pytest.fixture
def served(app):
    """The test app behind a real threaded HTTP server on loopback."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def _signed_in(base: str, email: str):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    data = urllib.parse.urlencode({"email": email, "password": factories.PASSWORD}).encode()
    opener.open(base + "/login", data=data, timeout=30)
    return opener


def test_parallel_requests_to_a_live_server_never_overbook(app, served, comms):
    start = utcnow() + timedelta(days=2)
    session_id = schedule(app, comms, capacity=3, starts_at=start, ends_at=start + timedelta(hours=1))
    openers = [_signed_in(served, p.email) for p in people(app, 10)]
    body = urllib.parse.urlencode({"response": "going"}).encode()

    def go(opener):
        def send():
            try:
                return opener.open(f"{served}/sessions/{session_id}/rsvp", data=body, timeout=30).status
            except urllib.error.HTTPError as exc:
                return exc.code

        return send

    assert in_parallel([go(o) for o in openers]) == [200] * 10  # redirected to the session page
    count, by_status = statuses(app, session_id)
    assert count == 3 and by_status == {"going": 3, "waiting": 7}


def test_double_submitted_feedback_and_calendar_links_dont_crash(app, login, comms, member, monkeypatch):
    from app.learning import clock
    from app.models import CalendarToken, SessionFeedback

    start = utcnow() + timedelta(days=2)
    session_id = schedule(app, comms, starts_at=start, ends_at=start + timedelta(hours=1))
    with app.app_context():
        rsvps.respond(db.session.get(User, member.id), get(session_id), "going")
        db.session.commit()
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(hours=2))
    clients = [login(member, app.test_client()) for _ in range(4)]

    def rate(client, n):
        return lambda: client.post(f"/sessions/{session_id}/feedback", data={"rating": str(n)}).status_code

    assert in_parallel([rate(c, n + 1) for n, c in enumerate(clients)]) == [302] * 4
    assert in_parallel([(lambda c=c: c.post("/sessions/calendar").status_code) for c in clients]) == [201] * 4
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SessionFeedback)) == 1
        assert db.session.scalar(select(func.count()).select_from(CalendarToken)) == 1
