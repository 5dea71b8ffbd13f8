"""`flask jobs run` runs its followers beside the passes: the search indexer answers within a second."""

import threading
import time

from app import jobs
from app.search.indexer import follow_event_log
from tests.search_helpers import found


def test_the_worker_starts_and_stops_every_follower(app, monkeypatch):
    calls = []

    def follower(started_app):
        calls.append(("start", started_app))
        return lambda: calls.append(("stop", started_app))

    monkeypatch.setattr(jobs, "FOLLOWERS", [follower])
    monkeypatch.setattr(jobs, "run_forever", lambda _app, _interval, _stop: calls.append(("pass", _app)) or 1)
    result = app.test_cli_runner().invoke(args=["jobs", "run", "--interval", "0.01"])
    assert result.exit_code == 0, result.output
    assert [name for name, _ in calls] == ["start", "pass", "stop"]
    assert all(started is app for _, started in calls)


def test_the_search_follower_is_registered_and_indexes_a_new_post_soon(app, client, login, member):
    assert follow_event_log in jobs.FOLLOWERS
    app.config["SEARCH_INDEXER_INTERVAL"] = 0.1
    before = {t.name for t in threading.enumerate()}
    stop = follow_event_log(app)
    try:
        assert "search-indexer" in {t.name for t in threading.enumerate()} - before
        login(member)
        client.post("/posts", data={"body": "Lost property: a green scarf at the front desk"})
        deadline = time.monotonic() + 10  # liveness, not timing: bench/run.py measures that
        with app.app_context():
            while not found(member, "scarf") and time.monotonic() < deadline:
                time.sleep(0.05)
            assert found(member, "scarf") != []
    finally:
        stop()
    assert "search-indexer" not in {t.name for t in threading.enumerate()} - before
