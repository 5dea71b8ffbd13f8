"""Search benchmark: indexing rate, index size, query latency, findable-after-write; FTS5 beside it.

    .venv/bin/python -m bench.search --database-url sqlite:///instance/bench.db     (make bench-search)
    .venv/bin/python -m bench.search --backend postgres --database-url postgresql+psycopg://.../bench

Runs against the benchmark organisation from bench/generate.py, in this process (no HTTP):
  1. a posts-only index (the issue's 100k-document workload) and the full product index (posts,
     replies, people, communities), each rebuilt with the product's own `rebuild()`;
  2. query latency through the product's search service, as a member of private communities:
     permission scope in the query, every hit re-checked against the database, snippets
     highlighted, top 20; 1-, 2- and 3-word queries drawn (seeded) from the corpus;
  3. a new post findable: the background indexer thread running, write a post, poll search;
  4. SQLite FTS5 (porter tokenizer) on the same posts, same queries, same permission filter.
--backend postgres measures the PostgreSQL full-text backend (SEARCH_BACKEND=postgres) instead of
Whoosh: the same steps, with its tables' size in place of the index directory's.
Prints a table with each figure beside its target. Never part of pytest.
"""

import argparse
import os
import platform
import random
import resource
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete, func, select, text

from app import create_app
from app.db import writing
from app.extensions import db
from app.models import Community, Event, Membership, Post, ThreadFollow, User
from app.posts.services import create_post
from app.sanitize import plain_text
from app.search.index import VERSION_FILE, SearchIndex, search_index
from app.search.indexer import rebuild, start_background_indexer, stop_background_indexer
from app.search.pg_backend import PgSearchIndex
from app.search.registry import get_type, search_types
from app.search.searching import analyze
from app.search.services import search

TARGETS = {"p95_ms": 25.0, "reindex_100k_s": 90.0, "findable_s": 2.0}
WARMUP = 20


def _ms(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000


def _latency(wall: list[float], cpu: list[float]) -> tuple[str, str]:
    """p50/p95 of wall-clock time, and of this thread's CPU time (steadier on a shared machine)."""
    (w50, w95), (c50, c95) = _ms(wall), _ms(cpu)
    return f"p50 {w50:.1f} ms, p95 {w95:.1f} ms", f"p50 {c50:.1f} ms, p95 {c95:.1f} ms"


def _machine() -> str:
    """The CPU model and core count."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        model = names[0] if names else model
    return f"{model}, {os.cpu_count()} cores"


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def _size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file()) / 1e6


def _pg_size_mb() -> float:
    """The PostgreSQL backend's tables with their indexes (GIN included)."""
    sql = "SELECT pg_total_relation_size('search_documents') + pg_total_relation_size('search_words')"
    return db.session.scalar(text(sql)) / 1e6


def _viewer() -> User:
    """A plain member who belongs to private communities: the permission filter has work to do."""
    private = select(Community.id).where(Community.visibility != "public")
    row = db.session.execute(
        select(User.id, func.count())
        .join(Membership, Membership.user_id == User.id)
        .where(User.role == "member", Membership.community_id.in_(private))
        .group_by(User.id)
        .order_by(func.count().desc(), User.id)
        .limit(1)
    ).first()
    return db.session.get(User, row[0])


def _queries(rng: random.Random, count: int) -> dict[int, list[str]]:
    """1-, 2- and 3-word queries taken from real posts, so multi-word ones co-occur."""
    bodies = list(db.session.scalars(select(Post.body_source).where(Post.status == "visible").limit(20_000)))
    frequency: dict[str, int] = {}
    words_of = []
    for body in bodies:
        words = {
            w
            for w in plain_text(body, 5000).lower().replace(",", " ").replace(".", " ").split()
            if w.isalpha() and len(w) > 3 and analyze(w)
        }
        words_of.append(sorted(words))
        for word in words:
            frequency[word] = frequency.get(word, 0) + 1
    # Telling words: neither everywhere nor nearly nowhere.
    useful = {w for w, n in frequency.items() if 0.001 * len(bodies) <= n <= 0.08 * len(bodies)}
    queries: dict[int, list[str]] = {1: [], 2: [], 3: []}
    while any(len(q) < count for q in queries.values()):
        words = [w for w in rng.choice(words_of) if w in useful]
        for size in (1, 2, 3):
            if len(queries[size]) < count and len(words) >= size:
                queries[size].append(" ".join(rng.sample(words, size)))
    return queries


def _time_queries(viewer: User, queries: list[str]) -> tuple[list[float], list[float], int]:
    for q in queries[:WARMUP]:
        search(viewer, q, "posts", with_counts=False)
    wall, cpu, hits = [], [], 0
    for q in queries:
        started, started_cpu = time.perf_counter(), time.thread_time()
        page = search(viewer, q, "posts", with_counts=False)
        wall.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - started_cpu)
        hits += len(page.hits)
    return wall, cpu, hits


def _build(app, index_dir: Path, types, procs: int, reuse: bool) -> dict | None:
    """Point the app at index_dir and rebuild it there (None when reusing an existing one); with
    SEARCH_BACKEND=postgres, rebuild the search tables instead."""
    search_index(app).close()
    if app.config["SEARCH_BACKEND"] == "postgres":
        state = app.extensions["search"] = PgSearchIndex(app)
        if reuse and state.has_documents():
            return None
    else:
        state = app.extensions["search"] = SearchIndex(str(index_dir))
        if reuse and (index_dir / VERSION_FILE).exists():
            return None
        shutil.rmtree(index_dir, ignore_errors=True)
        state.ix()
    splits: dict[str, float] = {}
    expected = [
        (t.name, db.session.scalar(select(func.count()).select_from(t.all_ids().order_by(None).subquery())))
        for t in types
    ]
    done = {"n": 0}
    started, started_cpu = time.perf_counter(), time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)

    def progress(n: int) -> None:
        done["n"] += n
        total = 0
        for name, count in expected:
            total += count
            if name not in splits and done["n"] >= total:
                splits[name] = time.perf_counter() - started

    count = rebuild(state, progress=progress, procs=procs, types=types)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (
        time.process_time()
        - started_cpu
        + (after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime)
    )
    return {
        "cpu": cpu,
        "docs": count,
        "seconds": seconds,
        "rate": count / seconds,
        "size_mb": _pg_size_mb() if app.config["SEARCH_BACKEND"] == "postgres" else _size_mb(index_dir),
        "splits": splits,
    }


def _findable(app, viewer: User, community: Community, samples: int) -> list[float]:
    """Seconds from commit until search finds a new post, with the background indexer running."""
    first_event = db.session.scalar(select(func.max(Event.id))) or 0
    thread = start_background_indexer(app, interval=1.0)
    delays, made = [], []
    try:
        for n in range(samples):
            word = f"zebracrossing{n}x"
            db.session.rollback()  # end the read transaction: a write begins with BEGIN IMMEDIATE
            with writing():
                post = create_post(viewer, f"Benchmark check {word} at the depot", community)
                db.session.commit()
            made.append(post.id)
            started = time.perf_counter()
            while not search(viewer, word, "posts", with_counts=False).hits:
                if time.perf_counter() - started > 10:
                    break
                time.sleep(0.01)
            delays.append(time.perf_counter() - started)
    finally:
        stop_background_indexer(app, thread)
        db.session.rollback()
        with writing():  # leave the benchmark database as it was
            db.session.execute(delete(Event).where(Event.id > first_event))
            db.session.execute(delete(ThreadFollow).where(ThreadFollow.post_id.in_(made)))
            db.session.execute(delete(Post).where(Post.id.in_(made)))
            db.session.commit()
    return delays


def _fts5(viewer_ids: list[int], queries: dict[int, list[str]]) -> dict:
    """The same posts in SQLite FTS5 (porter), the same permission filter, top 20 with snippets."""
    rows = db.session.execute(
        select(Post.id, Post.body_source, Post.community_id).where(Post.status == "visible")
    ).all()
    path = Path(tempfile.mkdtemp()) / "fts.db"
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE VIRTUAL TABLE posts USING fts5(body, community_id UNINDEXED, tokenize='porter unicode61')"
    )
    started = time.perf_counter()
    conn.executemany(
        "INSERT INTO posts(rowid, body, community_id) VALUES (?, ?, ?)",
        [(r.id, plain_text(r.body_source, 5000), r.community_id) for r in rows],
    )
    conn.commit()
    build = time.perf_counter() - started
    allowed = ",".join(str(i) for i in viewer_ids)
    sql = (
        "SELECT rowid, snippet(posts, 0, '<mark>', '</mark>', '…', 24) FROM posts "
        f"WHERE posts MATCH ? AND community_id IN ({allowed}) ORDER BY rank LIMIT 20"
    )
    results = {}
    for size, typed in queries.items():
        for q in typed[:WARMUP]:
            conn.execute(sql, (" ".join(f'"{w}"' for w in q.split()),)).fetchall()
        wall, cpu = [], []
        for q in typed:
            started, started_cpu = time.perf_counter(), time.thread_time()
            conn.execute(sql, (" ".join(f'"{w}"' for w in q.split()),)).fetchall()
            wall.append(time.perf_counter() - started)
            cpu.append(time.thread_time() - started_cpu)
        results[size] = _latency(wall, cpu)
    conn.close()
    size_mb = path.stat().st_size / 1e6
    shutil.rmtree(path.parent, ignore_errors=True)
    return {
        "docs": len(rows),
        "seconds": build,
        "rate": len(rows) / build,
        "size_mb": size_mb,
        "latency": results,
    }


def _words(size: int) -> str:
    return f"{size} word{'s' if size > 1 else ''}"


def run(
    database_url: str,
    index_dir: Path,
    per_bucket: int,
    seed: int,
    procs: int,
    findable: int,
    reuse: bool,
    backend: str = "whoosh",
) -> None:
    """Everything above, printed as a table (measure | wall clock | CPU | target)."""
    app = create_app(
        "testing", DATABASE_URL=database_url, SEARCH_INDEX_DIR=str(index_dir), SEARCH_BACKEND=backend
    )
    rng = random.Random(seed)
    out: list[tuple[str, str, str, str]] = []
    p95_target = f"p95 ≤ {TARGETS['p95_ms']:.0f} ms"
    load_before = _load()
    with app.test_request_context():
        viewer = _viewer()
        scope = list(db.session.scalars(get_type("post").scope(viewer)))
        queries = _queries(rng, per_bucket)
        print(f"Backend: {backend}. Viewer: {viewer.name}, who may read {len(scope)} communities.")
        print(f"{per_bucket} queries per size.")

        posts = _build(app, index_dir / "posts", [get_type("post")], 1, reuse)
        if posts:
            out.append(
                (
                    f"Reindex {posts['docs']:,} posts (1 process)",
                    f"{posts['seconds']:.1f} s = {posts['rate']:,.0f} docs/s",
                    f"{posts['cpu']:.1f} s",
                    f"100k ≤ {TARGETS['reindex_100k_s']:.0f} s",
                )
            )
            out.append(("Index size, posts only", f"{posts['size_mb']:.0f} MB", "", ""))
        for size, typed in queries.items():
            wall, cpu, hits = _time_queries(viewer, typed)
            out.append(
                (
                    f"Query, {_words(size)}, posts-only index ({hits / len(typed):.1f} hits)",
                    *_latency(wall, cpu),
                    p95_target,
                )
            )

        full = _build(app, index_dir / "all", search_types(), procs, reuse)
        if full:
            splits = ", ".join(f"{name} done at {t:.0f} s" for name, t in full["splits"].items())
            out.append(
                (
                    f"Reindex everything, {full['docs']:,} docs ({procs} process{'es' if procs > 1 else ''})",
                    f"{full['seconds']:.1f} s = {full['rate']:,.0f} docs/s ({splits})",
                    f"{full['cpu']:.1f} s",
                    "",
                )
            )
            out.append(("Index size, everything", f"{full['size_mb']:.0f} MB", "", ""))
        for size, typed in queries.items():
            wall, cpu, hits = _time_queries(viewer, typed)
            out.append(
                (
                    f"Query, {_words(size)}, full index ({hits / len(typed):.1f} hits)",
                    *_latency(wall, cpu),
                    p95_target,
                )
            )

        if findable:
            community = db.session.get(Community, scope[0])
            p50, p95 = _ms(_findable(app, viewer, community, findable))
            out.append(
                (
                    f"New post findable ({findable} posts, indexer thread)",
                    f"p50 {p50:.0f} ms, p95 {p95:.0f} ms",
                    "",
                    f"≤ {TARGETS['findable_s'] * 1000:.0f} ms",
                )
            )

        fts = _fts5(scope, queries)
        out.append(
            (
                f"SQLite FTS5 build, {fts['docs']:,} posts",
                f"{fts['seconds']:.1f} s = {fts['rate']:,.0f} docs/s, {fts['size_mb']:.0f} MB",
                "",
                "",
            )
        )
        for size, (wall, cpu) in fts["latency"].items():
            out.append((f"SQLite FTS5 query, {_words(size)}", wall, cpu, ""))
    search_index(app).close()
    db.dispose(app)
    print(f"Machine: {_machine()}; {load_before} at the start, {_load()} at the end.")
    width = max(len(row[0]) for row in out)
    print(f"\n| {'measure':<{width}} | wall clock | CPU | target |\n|{'-' * (width + 2)}|---|---|---|")
    for name, wall, cpu, target in out:
        print(f"| {name:<{width}} | {wall} | {cpu} | {target} |")


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:///instance/bench.db")
    parser.add_argument("--index-dir", type=Path, default=Path("instance/bench_search_index"))
    parser.add_argument("--queries", type=int, default=200, help="queries per size (1, 2 and 3 words)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--procs", type=int, default=2, help="writer processes for the full rebuild")
    parser.add_argument("--findable", type=int, default=20, help="new posts to time until findable (0: skip)")
    parser.add_argument("--reuse", action="store_true", help="query the indexes a previous run built")
    parser.add_argument("--backend", choices=("whoosh", "postgres"), default="whoosh", help="SEARCH_BACKEND")
    args = parser.parse_args()
    run(
        args.database_url,
        args.index_dir,
        args.queries,
        args.seed,
        args.procs,
        args.findable,
        args.reuse,
        args.backend,
    )


if __name__ == "__main__":
    main()
