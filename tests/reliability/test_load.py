"""Load without loss: 8 writers post and reply through nginx and two processes while readers page
the feed. Afterwards every accepted post is stored, in every member's feed and delivered live to a
connected client, and in the search index; nothing answered 5xx. CI writes 240 items; `make soak` writes 2,000."""

from tests.reliability.infra import SIZES, Listener, wait_for
from tests.reliability.load import (
    Database,
    LoadResult,
    assert_consistent,
    assert_in_every_feed,
    assert_in_search_index,
    run_load,
)


def test_load_without_loss(shared_stack):
    stack = shared_stack.stack
    people = shared_stack.take(SIZES.writers + SIZES.readers)
    writers, readers = people[: SIZES.writers], people[SIZES.writers :]
    listener = Listener(stack.url, readers[0]["token"]).connect()
    db = Database(stack.env["DATABASE_URL"])
    try:
        result = run_load(stack.config.port, writers, readers, SIZES.items, LoadResult())
        print(f"\nload: {result.summary()}")
        assert set(result.statuses) == {201}, result.statuses  # no 5xx, no dropped connection, no 429
        assert set(result.read_statuses) == {200} and result.read_problems == []
        assert len(result.posts) + len(result.replies) >= SIZES.items

        posts = assert_consistent(db, result.posts, result.replies)
        assert_in_every_feed(stack.config.port, people, set(result.posts))
        # Live delivery under load, across processes: the client heard every post.
        wait_for(
            lambda: set(result.posts) <= listener.post_ids(), 30, "every post_created to reach the client"
        )
        wait_for(lambda: db.undispatched() == 0, 30, "every event to be dispatched")
        # And every accepted post is in the search index (found through the search API, by its
        # author and a word of its text): the indexer followed the event log under load.
        assert posts >= set(result.posts)
        assert_in_search_index(stack.config.port, writers, set(result.posts))
    finally:
        listener.close()
        db.close()
