"""Seqs follow commit order, so "after seq N" never skips an event that committed late.

On PostgreSQL two transactions draw event ids whenever they flush; without the renumbering in
app/events.py a slow transaction's event would get a seq below one a client has already seen.
SQLite serialises writers, so its ids follow commit order by construction.
"""

import pytest
from sqlalchemy import select

from app import events
from app.extensions import db
from app.models import Event


@pytest.mark.postgres
def test_an_event_that_commits_later_gets_the_later_seq(app):
    if app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("SQLite has one writer at a time: ids follow commit order without help")
    slow = app.app_context()
    slow.push()
    events.record("community_updated", note="drawn first, committed last")
    db.session.flush()  # this transaction draws its id now ...
    with app.app_context():
        events.record("community_updated", note="drawn second, committed first")
        db.session.commit()  # ... and this one commits before it
    db.session.commit()
    slow.pop()
    with app.app_context():
        notes = list(db.session.scalars(select(Event.data).order_by(Event.id)))
    assert [n["note"] for n in notes] == ["drawn second, committed first", "drawn first, committed last"]
