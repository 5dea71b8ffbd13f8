"""The job runner: `flask jobs tick` (one pass) and `flask jobs run` (the worker loop)."""

import os
import signal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import jobs
from app.extensions import db
from app.models import Event
from tests.realtime_helpers import received, sign_in


def undispatched_event(app, **data) -> int:
    """An event committed without being dispatched, as if the process died right after commit."""
    with app.app_context(), Session(bind=db.engine) as own:  # a plain session: no dispatch hook
        row = Event(name="community_updated", data=data)
        own.add(row)
        own.commit()
        return row.id


def dispatched(app, event_id: int) -> bool:
    """Whether the event has been handed to the subscribers."""
    with app.app_context():
        return db.session.scalar(select(Event.dispatched).where(Event.id == event_id))


def test_tick_replays_undispatched_events(app, runner, sockets, member):
    sio = sockets.connect(sign_in(app, member))
    event_id = undispatched_event(app, note="left behind")
    assert not dispatched(app, event_id)
    result = runner.invoke(args=["jobs", "tick"])
    assert result.exit_code == 0, result.output
    assert "replay_events: 1" in result.output
    assert dispatched(app, event_id)
    assert [p["seq"] for p in received(sio)] == [event_id]
    assert "replay_events: 0" in runner.invoke(args=["jobs", "tick"]).output


def test_a_failing_task_does_not_stop_the_others(app, runner, monkeypatch):
    def broken() -> int:
        raise RuntimeError("mail server down")

    monkeypatch.setattr(jobs, "TASKS", {"broken": broken, **jobs.TASKS})
    event_id = undispatched_event(app)
    result = runner.invoke(args=["jobs", "tick"])
    assert result.exit_code == 1
    assert "broken: failed (RuntimeError: mail server down)" in result.output
    assert "replay_events: 1" in result.output
    assert dispatched(app, event_id)


def test_run_loops_until_sigterm_and_restores_signal_handlers(app, runner, monkeypatch):
    passes: list[int] = []

    def stop_after_two() -> int:
        passes.append(1)
        if len(passes) == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        return 0

    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(jobs, "TASKS", {**jobs.TASKS, "stopper": stop_after_two})
    event_id = undispatched_event(app)
    result = runner.invoke(args=["jobs", "run", "--interval", "0.01"])
    assert result.exit_code == 0, result.output
    assert "stopped after 2 passes" in result.output
    assert dispatched(app, event_id)
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


def test_replay_pending_on_start(app):
    event_id = undispatched_event(app)
    assert jobs.replay_pending(app) == 1
    assert dispatched(app, event_id)
    assert jobs.replay_pending(app) == 0


def test_no_replay_before_the_database_exists(tmp_path):
    assert jobs._no_database_yet(f"sqlite:///{tmp_path / 'missing' / 'rollcall.db'}")
    assert not jobs._no_database_yet("postgresql+psycopg://localhost/rollcall")
    assert not jobs._no_database_yet("sqlite://")


def test_a_client_that_saw_a_later_seq_still_gets_a_replayed_event(app, runner, sockets, member):
    """Regression (found by tests/reliability/test_crash.py): a crash left event N unpushed while
    N+1 reached the client; N was replayed while the client was away; it reconnected "after N+1"."""
    from tests.realtime_helpers import last_seq, post

    left_behind = undispatched_event(app, note="committed, then the process died")
    post(app, member, "Pushed at once by the other process")
    seen = last_seq(app)
    assert seen > left_behind
    assert runner.invoke(args=["jobs", "tick"]).exit_code == 0  # replayed while nobody listened
    client = sign_in(app, member)
    caught_up = [p["seq"] for p in received(sockets.connect(client, auth={"last_seq": seen}))]
    assert caught_up == [left_behind]
    # Events pushed on time are not sent again to a client that saw them.
    assert [p["seq"] for p in received(sockets.connect(client, auth={"last_seq": seen}))] == [left_behind]
