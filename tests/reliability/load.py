"""The load the reliability tests put on a stack, and the checks that nothing was lost.

Writers post and reply through the API as fast as they can, each from its own loopback address
(as staff at their own desks); nginx sends each request to the least busy process; readers page
the home feed meanwhile.
"""

import json
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text

from tests.reliability.infra import Api

REPLY_EVERY = 4  # one write in four is a reply to a post already accepted
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LoadResult:
    """What the writers and readers saw."""

    posts: list[int] = field(default_factory=list)  # accepted (201) post ids
    replies: list[int] = field(default_factory=list)  # accepted reply ids
    statuses: Counter = field(default_factory=Counter)  # every write's status (0: connection dropped)
    write_seconds: list[float] = field(default_factory=list)
    pages_read: int = 0
    read_statuses: Counter = field(default_factory=Counter)
    read_problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def writes(self) -> int:
        """How many writes were attempted so far."""
        return sum(self.statuses.values())

    def summary(self) -> str:
        """The figures, for the test output (and the docs)."""
        lat = sorted(self.write_seconds) or [0.0]
        p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))]
        return (
            f"{self.writes} writes ({len(self.posts)} posts, {len(self.replies)} replies accepted) in "
            f"{self.seconds:.1f}s = {self.writes / max(self.seconds, 0.001):.0f} writes/s; write latency "
            f"median {statistics.median(lat) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; "
            f"{self.pages_read} feed pages read; statuses {dict(self.statuses)}"
        )


def run_load(
    port: int, writers: list[dict], readers: list[dict], items: int, result: LoadResult
) -> LoadResult:
    """Write `items` posts and replies through nginx while readers page the feed; fills `result`."""
    done = threading.Event()
    per_writer = -(-items // len(writers))
    start = threading.Barrier(len(writers) + len(readers))

    def write(index: int, person: dict) -> None:
        rng = random.Random(index)
        with Api(port, person["token"], source=f"127.0.{index + 1}.1") as api:
            start.wait()
            for n in range(per_writer):
                with result.lock:
                    target = (
                        rng.choice(result.posts)
                        if result.posts and n % REPLY_EVERY == REPLY_EVERY - 1
                        else None
                    )
                began = time.monotonic()
                if target is None:
                    status, body = api.request(
                        "POST", "/api/v1/posts", {"body": f"Load {person['email']} #{n}"}
                    )
                else:
                    path = f"/api/v1/posts/{target}/replies"
                    status, body = api.request("POST", path, {"body": f"Reply {person['email']} #{n}"})
                with result.lock:
                    result.statuses[status] += 1
                    if status == 201:
                        result.write_seconds.append(time.monotonic() - began)
                        (result.posts if target is None else result.replies).append(body["id"])

    def read(index: int, person: dict) -> None:
        with Api(port, person["token"], source=f"127.0.{200 + index}.1") as api:
            start.wait()
            while not done.is_set():
                cursor, previous = None, None
                for _page in range(3):
                    path = "/api/v1/feeds/home?limit=50" + (f"&cursor={cursor}" if cursor else "")
                    status, page = api.request("GET", path)
                    with result.lock:
                        result.read_statuses[status] += 1
                        result.pages_read += 1
                    if status != 200:
                        break
                    ids = [item["id"] for item in page["items"]]
                    if ids != sorted(ids, reverse=True) or (
                        previous is not None and ids and ids[0] >= previous
                    ):
                        result.read_problems.append(f"feed out of order or repeated: {ids[:5]}…")
                    previous = ids[-1] if ids else previous
                    cursor = page.get("next_cursor")
                    if not cursor:
                        break

    threads = [threading.Thread(target=write, args=(i, p)) for i, p in enumerate(writers)]
    threads += [threading.Thread(target=read, args=(i, p), daemon=True) for i, p in enumerate(readers)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads[: len(writers)]:
        thread.join(600)
    result.seconds = time.monotonic() - began
    done.set()
    for thread in threads[len(writers) :]:
        thread.join(30)
    return result


class Database:
    """Direct reads of the stack's database, to check what the API said against what is stored."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)

    def close(self) -> None:
        """Dispose of the engine (no ResourceWarning)."""
        self.engine.dispose()

    def ids(self, table: str) -> set[int]:
        """Every id in posts or replies."""
        with self.engine.connect() as conn:
            return set(conn.scalars(text(f"SELECT id FROM {table}")))  # a fixed table name, never input

    def event_targets(self, name: str, key: str) -> Counter:
        """How many `name` events name each id (data[key])."""
        with self.engine.connect() as conn:
            rows = conn.scalars(text("SELECT data FROM events WHERE name = :name"), {"name": name})
            return Counter((row if isinstance(row, dict) else json.loads(row))[key] for row in rows)

    def undispatched(self) -> int:
        """Events committed but not yet handed to the pusher (and the indexer)."""
        with self.engine.connect() as conn:
            return conn.scalar(text("SELECT COUNT(*) FROM events WHERE NOT dispatched"))

    def reply_count_mismatches(self) -> list[tuple]:
        """Posts whose stored reply_count disagrees with their replies."""
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    text(
                        "SELECT p.id, p.reply_count, COUNT(r.id) FROM posts p LEFT JOIN replies r ON r.post_id = p.id "
                        "GROUP BY p.id, p.reply_count HAVING p.reply_count != COUNT(r.id)"
                    )
                )
            )

    def integrity(self) -> str:
        """SQLite's own check of the file ("ok"); PostgreSQL keeps its own consistency."""
        if self.engine.dialect.name != "sqlite":
            return "ok"
        with self.engine.connect() as conn:
            return conn.scalar(text("PRAGMA integrity_check"))


def assert_consistent(db: Database, accepted_posts: list[int], accepted_replies: list[int]) -> set[int]:
    """Everything accepted is stored, each row has exactly its one event, counts agree; returns post ids."""
    posts, replies = db.ids("posts"), db.ids("replies")
    assert db.integrity() == "ok"
    assert set(accepted_posts) <= posts, f"accepted posts missing: {sorted(set(accepted_posts) - posts)[:10]}"
    assert set(accepted_replies) <= replies, (
        f"accepted replies missing: {sorted(set(accepted_replies) - replies)[:10]}"
    )
    # The post (or reply) and its event commit together or not at all, crash or no crash.
    assert db.event_targets("post_created", "post_id") == Counter(posts)
    assert db.event_targets("reply_created", "reply_id") == Counter(replies)
    assert db.reply_count_mismatches() == []
    return posts


def assert_in_every_feed(port: int, people: list[dict], post_ids: set[int]) -> None:
    """Every person's home feed (All staff included) lists every one of the posts."""
    for person in people:
        with Api(port, person["token"]) as api:
            feed = {item["id"] for item in api.all_pages("/api/v1/feeds/home")}
        missing = post_ids - feed
        assert not missing, (
            f"{len(missing)} posts missing from {person['email']}'s feed, e.g. {sorted(missing)[:5]}"
        )


def indexed_posts(port: int, person: dict, query: str) -> set[int]:
    """Ids of the posts the search API finds for a person (every page): what the index holds."""
    with Api(port, person["token"]) as api:
        return {item["id"] for item in api.all_pages(f"/api/v1/search?type=posts&q={quote(query)}")}


def assert_in_search_index(port: int, writers: list[dict], post_ids: set[int], timeout: float = 60) -> None:
    """Every accepted post is findable through the search API (each writer's, by `from:` and a word
    of the load's text), within `timeout` of the load ending: the indexer kept up and lost nothing."""
    handles = {}
    for person in writers:
        with Api(port, person["token"]) as api:
            status, me = api.request("GET", "/api/v1/me")
            assert status == 200, (status, me)
            handles[person["email"]] = me["handle"]

    def missing() -> set[int]:
        found: set[int] = set()
        for person in writers:
            found |= indexed_posts(port, person, f"load from:@{handles[person['email']]}")
        return post_ids - found

    left: set[int] = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = missing()
        if not left:
            return
        time.sleep(0.5)
    raise AssertionError(f"{len(left)} accepted posts are not in the search index, e.g. {sorted(left)[:5]}")


def search_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    """`flask search check` against the stack's database and index (exit 0: nothing missing or stale)."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "search", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_search_index_matches(env: dict[str, str], timeout: float = 60) -> str:
    """The index matches the database item by item, with nobody running a repair: the indexer
    reconciles it on its own (pending events replayed); returns the check's report."""
    deadline = time.monotonic() + timeout
    result = search_check(env)
    while result.returncode != 0 and time.monotonic() < deadline:
        time.sleep(1)
        result = search_check(env)
    assert result.returncode == 0, (
        f"the search index differs from the database:\n{result.stdout}{result.stderr}"
    )
    return result.stdout
