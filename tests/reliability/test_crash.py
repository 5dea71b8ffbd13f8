"""Crash: kill -9 the web process holding a client's socket in the middle of the load, and restart it.

Afterwards the database is consistent (every post and reply with exactly its event, counts right),
no event is left undispatched (the restarted process and the jobs worker replay them), every stored
post is in every member's feed, and a client that lost its connection reconnected and caught up
with everything it missed, by seq; the search index matches the database without a repair. Only
the writes in flight at the moment of a kill may fail, with a gateway error or a dropped
connection, never a 500."""

import threading
import time

from tests.reliability.infra import (
    SIZES,
    Browser,
    Listener,
    PrivateRedis,
    make_people,
    process_for_loopback,
    start_stack,
    wait_for,
)
from tests.reliability.load import (
    Database,
    LoadResult,
    assert_consistent,
    assert_in_every_feed,
    assert_in_search_index,
    assert_search_index_matches,
    run_load,
)

IN_FLIGHT = {0, 502, 503, 504}  # outcomes a write cut off by the crash may see
FAIL_TIMEOUT = 5.5  # deploy/nginx-site.conf: max_fails=1 fail_timeout=5s


def test_kill_9_mid_load_then_restart(tmp_path, stack_database):
    queue = PrivateRedis().start()
    stack = start_stack(tmp_path / "stack", queue, stack_database())
    listener = db = None
    try:
        people = make_people(stack, SIZES.writers + 1, "crash")
        writers, reader = people[: SIZES.writers], people[SIZES.writers]
        listener = Listener(stack.url, reader["token"]).connect()
        db = Database(stack.env["DATABASE_URL"])
        items = max(SIZES.items * 2 // 3, 160)
        result = LoadResult()
        crashes: list[str] = []

        victim = process_for_loopback(stack)  # the process holding the listener's socket

        def crash_mid_load() -> None:
            wait_for(lambda: result.writes >= items // 2, 120, "half of the load", 0.01)
            stack.kill(victim)
            killed_at = time.monotonic()
            stack.restart(victim)
            crashes.append(f"{victim} back in {time.monotonic() - killed_at:.1f}s")

        crasher = threading.Thread(target=crash_mid_load)
        crasher.start()
        run_load(stack.config.port, writers, [], items, result)
        crasher.join(120)
        print(
            f"\ncrash: {result.summary()}; {', '.join(crashes)}; client connected {listener.connects} times"
        )
        assert len(crashes) == 1
        assert set(result.statuses) <= {201} | IN_FLIGHT, result.statuses  # never a 500
        assert sum(n for s, n in result.statuses.items() if s != 201) <= 4 * SIZES.writers

        # nginx keeps a failed process out for fail_timeout (5 s) after its last failure: let that
        # pass, as an operator's health check would, before reading through it again.
        time.sleep(FAIL_TIMEOUT)
        wait_for(lambda: Browser(stack.url).get("/healthz")[0] == 200, 30, "the stack to be healthy again")

        posts = assert_consistent(db, result.posts, result.replies)
        wait_for(lambda: db.undispatched() == 0, 30, "undispatched events to be replayed")
        assert_in_every_feed(stack.config.port, people, posts)
        # The client lost its process, reconnected (to the other one) and caught up from its last seq.
        assert listener.connects >= 2
        wait_for(
            lambda: posts <= listener.post_ids(), 30, "the reconnected client to catch up with every post"
        )
        # The search index was reconciled on its own (the events of writes cut off by the crash were
        # replayed and indexed): every stored post is found through the search API, and
        # `flask search check` finds nothing missing, stale or extra. Nobody ran a repair.
        assert_in_search_index(stack.config.port, writers, posts)
        print(assert_search_index_matches(stack.env).strip().splitlines()[-1])
    finally:
        if listener is not None:
            listener.close()
        if db is not None:
            db.close()
        stack.stop()
        queue.stop()
