"""The benchmark organisation, built reproducibly in a database: the one generator every benchmark uses.

    .venv/bin/python -m bench.generate --database-url sqlite:///instance/bench.db            # full size
    .venv/bin/python -m bench.generate --database-url postgresql+psycopg://.../bench --scale 0.05

Full size (--scale 1): 2,000 people in 20 units, 50 communities (All staff, 39 more public, 7 private,
3 secret), 100,000 posts, 300,000 replies and 500,000 reactions over the year to END, with topics,
follows and a few deleted and held items, in realistic UK public-service language. The same seed
gives the same organisation, row for row. Rows go in with Core executemany in large batches
(no ORM objects), after `alembic upgrade head`. Everyone's password is PASSWORD.
"""

import argparse
import html
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, func, insert, select, text
from werkzeug.security import generate_password_hash

from app.models import (
    Base,
    Community,
    Membership,
    Post,
    PostTopic,
    Reaction,
    Reply,
    ThreadFollow,
    Topic,
    TopicFollow,
    Unit,
    User,
    UserFollow,
)
from bench import vocabulary as v

END = datetime(2026, 12, 1, tzinfo=UTC)
YEAR = timedelta(days=365)
PASSWORD = "bench-password-2026"
DOMAIN = "bench.northshire.gov.uk"
FULL = {"people": 2000, "posts": 100_000, "replies": 300_000, "reactions": 500_000}
BATCH = 10_000
REACTION_KINDS = (("like", 60), ("celebrate", 15), ("insightful", 15), ("support", 10))


@dataclass
class Summary:
    """What was built, and how long it took."""

    url: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _engine(url: str) -> Engine:
    engine = create_engine(url)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _fast(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=OFF")  # a rebuildable benchmark database
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


def already_built(url: str) -> bool:
    """Whether the database already holds people (a built organisation, or someone's data)."""
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return False
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(
                conn.dialect.has_table(conn, "users") and conn.scalar(select(func.count()).select_from(User))
            )
    finally:
        engine.dispose()


def _prepare(url: str, force: bool) -> Engine:
    """A migrated, empty database (refusing to touch one with people unless forced)."""
    from alembic import command

    from app.cli import alembic_config

    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if already_built(url):
        if not force:
            raise SystemExit(f"{url} already has people; pass --force to rebuild it.")
        engine = create_engine(url)
        with engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        engine.dispose()
    command.upgrade(alembic_config(url), "head")
    return _engine(url)


def _put(conn, model, rows: list[dict]) -> int:
    for start in range(0, len(rows), BATCH):
        conn.execute(insert(model), rows[start : start + BATCH])
    return len(rows)


def _when(rng: random.Random) -> datetime:
    # Uniform over the year with a little more recently, as a network that is growing.
    return END - YEAR * (rng.random() ** 1.15)


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        team=rng.choice(v.TEAMS),
        thing=rng.choice(v.THINGS),
        place=rng.choice(v.PLACES),
        time=rng.choice(v.TIMES),
        feeling=rng.choice(v.FEELINGS),
    )


def _text(
    rng: random.Random, sentences: int, templates: list[str], handles: list[str]
) -> tuple[str, list[str]]:
    parts = [_fill(rng.choice(templates), rng) for _ in range(sentences)]
    parts[0] = parts[0][0].upper() + parts[0][1:]
    if rng.random() < 0.05:
        parts.append(f"cc @{rng.choice(handles)}")
    topics = rng.sample(v.TOPICS, rng.choice((1, 1, 2))) if rng.random() < 0.45 else []
    if topics:
        parts.append(" ".join(f"#{t}" for t in topics))
    return " ".join(parts), topics


_REL = 'rel="nofollow noopener noreferrer"'


def _html(source: str, people: dict[str, int]) -> str:
    """What app.sanitize.render() makes of this plain text (no Markdown in it): one paragraph,
    topics and known @handles linked (tests/test_bench_generate.py checks they agree)."""
    words = []
    for word in html.escape(source, quote=False).split(" "):
        if word.startswith("#") and word[1:] in _TOPIC_SET:
            words.append(f'<a class="topic" href="/topics/{word[1:]}" {_REL}>{word}</a>')
        elif word.startswith("@") and word[1:] in people:
            words.append(f'<a class="mention" href="/people/{people[word[1:]]}" {_REL}>{word}</a>')
        else:
            words.append(word)
    return "<p>" + " ".join(words) + "</p>"


_TOPIC_SET = set(v.TOPICS)


def _people(rng: random.Random, count: int, unit_ids: list[int], titles: dict[int, list[str]]) -> list[dict]:
    password_hash = generate_password_hash(PASSWORD, method="scrypt")
    names = [(f, last) for f in v.FIRST_NAMES for last in v.LAST_NAMES]
    rng.shuffle(names)
    rows, handles = [], set()
    for i in range(count):
        first, last = names[i % len(names)]
        base = f"{first}.{last}".lower().replace("'", "")
        handle, n = base, 1
        while handle in handles:
            n += 1
            handle = f"{base}{n}"
        handles.add(handle)
        unit_id = rng.choice(unit_ids)
        role = (
            "admin"
            if i == 0
            else "comms"
            if i < 21
            else "leader"
            if i < 31
            else "moderator"
            if i < 41
            else "member"
        )
        joined = END - timedelta(days=rng.uniform(30, 1500))
        rows.append(
            {
                "id": i + 1,
                "email": f"{handle}@{DOMAIN}",
                "name": f"{first} {last}",
                "handle": handle,
                "password_hash": password_hash,
                "job_title": rng.choice(titles[unit_id]),
                "unit_id": unit_id,
                "staff_type": rng.choice(
                    ("sworn", "sworn", "civilian", "civilian", "volunteer", "contractor")
                ),
                "bio": _fill(rng.choice(v.STATEMENTS), rng) if rng.random() < 0.4 else "",
                "role": role,
                "email_confirmed_at": joined,
                "session_version": 1,
                "created_at": joined,
            }
        )
    return rows


def build(url: str, scale: float = 1.0, seed: int = 2026, force: bool = False) -> Summary:
    """Build the benchmark organisation in `url`; returns the row counts."""
    started = time.perf_counter()
    rng = random.Random(seed)
    sizes = {name: max(1, round(n * scale)) for name, n in FULL.items()}
    sizes["people"] = max(sizes["people"], 60)
    engine = _prepare(url, force)
    summary = Summary(url=url)
    with engine.begin() as conn:
        summary.counts = _build(conn, rng, sizes)
        if engine.dialect.name == "postgresql":
            for table in ("users", "units", "communities", "posts", "replies", "topics"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
                )
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
    summary.seconds = time.perf_counter() - started
    return summary


def _build(conn, rng: random.Random, sizes: dict[str, int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    ids = {name: i + 1 for i, (name, _, _) in enumerate(v.UNITS)}
    units = [
        {"id": ids[n], "name": n, "parent_id": ids.get(p), "created_at": END - 2 * YEAR}
        for n, p, _ in v.UNITS
    ]
    counts["units"] = _put(conn, Unit, units)
    titles = {ids[n]: jobs for n, _, jobs in v.UNITS}
    people = _people(rng, sizes["people"], list(ids.values()), titles)
    counts["people"] = _put(conn, User, people)
    user_ids = [p["id"] for p in people]
    handles = [p["handle"] for p in people]
    people_by_handle = {p["handle"]: p["id"] for p in people}

    all_staff = conn.scalar(select(Community.id).where(Community.is_all_staff))
    members: dict[int, list[int]] = {all_staff: user_ids}
    communities, memberships = (
        [],
        [
            {"community_id": all_staff, "user_id": u, "role": "member", "created_at": END - YEAR}
            for u in user_ids
        ],
    )
    for offset, (name, description, kind) in enumerate(v.COMMUNITIES):
        community_id = all_staff + 1 + offset
        low, high = {"public": (0.02, 0.3), "private": (0.008, 0.03), "secret": (0.004, 0.012)}[kind]
        size = max(3, round(len(user_ids) * rng.uniform(low, high)))
        chosen = rng.sample(user_ids, min(size, len(user_ids)))
        members[community_id] = chosen
        slug = name.lower().replace(" and ", " ").replace(" ", "-")
        created = END - YEAR - timedelta(days=rng.uniform(1, 300))
        communities.append(
            {
                "id": community_id,
                "name": name,
                "slug": slug,
                "description": description,
                "visibility": kind,
                "is_all_staff": False,
                "created_by_id": chosen[0],
                "created_at": created,
            }
        )
        memberships += [
            {
                "community_id": community_id,
                "user_id": u,
                "role": "owner" if i == 0 else "member",
                "created_at": created,
            }
            for i, u in enumerate(chosen)
        ]
    counts["communities"] = _put(conn, Community, communities) + 1
    counts["memberships"] = _put(conn, Membership, memberships)

    topic_ids = {name: i + 1 for i, name in enumerate(v.TOPICS)}
    counts["topics"] = _put(
        conn, Topic, [{"id": i, "name": n, "created_at": END - YEAR} for n, i in topic_ids.items()]
    )

    # Busier communities get more posts; All staff the most.
    places = list(members)
    weights = [len(members[c]) ** 0.8 * (3 if c == all_staff else 1) for c in places]
    posts, post_topics, follows = [], [], []
    for post_id in range(1, sizes["posts"] + 1):
        community_id = rng.choices(places, weights)[0]
        author = rng.choice(members[community_id])
        source, topics = _text(rng, rng.choice((1, 2, 2, 3, 4)), v.STATEMENTS + v.ASKS, handles)
        created = _when(rng)
        roll = rng.random()
        status = "deleted" if roll < 0.01 else "held" if roll < 0.013 else "visible"
        posts.append(
            {
                "id": post_id,
                "author_id": author,
                "community_id": community_id,
                "kind": "post",
                "body_source": source,
                "body_html": _html(source, people_by_handle),
                "render_version": 1,
                "status": status,
                "reply_count": 0,
                "created_at": created,
                "deleted_at": created + timedelta(hours=2) if status == "deleted" else None,
            }
        )
        post_topics += [{"post_id": post_id, "topic_id": topic_ids[t]} for t in topics]
        follows.append({"user_id": author, "post_id": post_id, "muted": False, "created_at": created})

    # Replies and reactions gather on some posts: a skewed pick from a shuffled order.
    order = list(range(len(posts)))
    rng.shuffle(order)
    replies = []
    for reply_id in range(1, sizes["replies"] + 1):
        post = posts[order[int(len(order) * rng.random() ** 2.2)]]
        author = rng.choice(members[post["community_id"]])
        source, _ = _text(rng, rng.choice((1, 1, 2)), v.REPLIES, handles)
        created = min(END, post["created_at"] + timedelta(hours=rng.expovariate(1 / 8)))
        status = "deleted" if rng.random() < 0.01 else "visible"
        replies.append(
            {
                "id": reply_id,
                "post_id": post["id"],
                "author_id": author,
                "body_source": source,
                "body_html": _html(source, people_by_handle),
                "render_version": 1,
                "status": status,
                "created_at": created,
                "deleted_at": created + timedelta(hours=1) if status == "deleted" else None,
            }
        )
        if status == "visible":
            post["reply_count"] += 1
    counts["posts"] = _put(conn, Post, posts)
    counts["post_topics"] = _put(conn, PostTopic, post_topics)
    counts["thread_follows"] = _put(conn, ThreadFollow, follows)
    counts["replies"] = _put(conn, Reply, replies)

    kinds, kind_weights = zip(*REACTION_KINDS, strict=True)
    seen, reactions = set(), []
    while len(reactions) < sizes["reactions"]:
        post = posts[order[int(len(order) * rng.random() ** 1.8)]]
        user = rng.choice(members[post["community_id"]])
        if (post["id"], user) in seen or post["status"] != "visible":
            continue
        seen.add((post["id"], user))
        reactions.append(
            {
                "post_id": post["id"],
                "user_id": user,
                "kind": rng.choices(kinds, kind_weights)[0],
                "created_at": min(END, post["created_at"] + timedelta(hours=rng.expovariate(1 / 12))),
            }
        )
    counts["reactions"] = _put(conn, Reaction, reactions)

    user_follows, topic_follows = set(), set()
    for user in user_ids:
        user_follows |= {(user, other) for other in rng.sample(user_ids, rng.randint(0, 8)) if other != user}
        topic_follows |= {(user, topic_ids[t]) for t in rng.sample(v.TOPICS, rng.randint(0, 3))}
    counts["user_follows"] = _put(
        conn,
        UserFollow,
        [{"follower_id": a, "followed_id": b, "created_at": END - YEAR} for a, b in sorted(user_follows)],
    )
    counts["topic_follows"] = _put(
        conn,
        TopicFollow,
        [{"user_id": a, "topic_id": b, "created_at": END - YEAR} for a, b in sorted(topic_follows)],
    )
    return counts


def main(argv: list[str] | None = None) -> None:
    """Command line: build the organisation and print what was built."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:///instance/bench.db")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = full size; 0.05 builds in seconds")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--force", action="store_true", help="drop and rebuild a database that has people")
    parser.add_argument("--if-missing", action="store_true", help="do nothing if it is already built")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 10:
        parser.error("--scale must be between 0 and 10")
    if args.if_missing and already_built(args.database_url):
        print(f"{args.database_url} is already built; skipping (--force rebuilds it).")
        return
    summary = build(args.database_url, args.scale, args.seed, args.force)
    print(f"Built the benchmark organisation in {summary.url} in {summary.seconds:.1f}s:")
    for name, count in summary.counts.items():
        print(f"  {name:<15} {count:>9,}")
    print(f"Every password is {PASSWORD!r}.")


if __name__ == "__main__":
    main(sys.argv[1:])
