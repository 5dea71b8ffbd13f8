"""The HTTP benchmark: feeds, posting, live delivery, fan-out, search and memory, over the production server.

    .venv/bin/python -m bench.run --database-url sqlite:///instance/bench.db     (make bench-http)

Measured from outside over HTTP, against the production configuration the README documents, as
`make run-prod` starts it (deploy/stack.py): nginx in front of one single-worker gunicorn process
per core (deploy/gunicorn.conf.py), the Redis queue and rate limits and the jobs worker, on a fresh
copy of the benchmark organisation; and against the ceiling (a one-route Flask app behind the same
nginx and processes, same client). `--processes 1` gives one process's figures (sizing). Prints
each figure beside its target; writes bench/results/.
"""

import argparse
import os
import time
from pathlib import Path
from urllib.parse import quote

import requests

from bench import live
from bench.cast import Cast, prepare, settle, sign_in
from bench.load import Load, Result, run, tool_name
from bench.report import Report, machine, write
from bench.server import Server, clean_state, drop_stale_index, index_for, mark_index, working_copy
from deploy.stack import default_processes

TARGETS = {
    "feed_p50_ms": 15.0,
    "feed_p95_ms": 40.0,
    "feed_rps_c8": 150.0,
    "post_p95_ms": 30.0,
    "socket_p95_ms": 100.0,
    "search_s": 2.0,
    "fanout_p95_ms": 150.0,
    "rss_mb": 150.0,
}


def deep_cursor(base_url: str, token: str, pages: int) -> int | None:
    """The cursor `pages` pages down the viewer's home feed (following next_cursor, as a client does)."""
    cursor = None
    for _ in range(pages):
        query = f"?cursor={cursor}" if cursor else ""
        page = requests.get(
            f"{base_url}/api/v1/feeds/home{query}", headers={"Authorization": f"Bearer {token}"}, timeout=30
        ).json()
        if not page.get("next_cursor"):
            break
        cursor = page["next_cursor"]
    return cursor


def _feed_rows(report: Report, server: Server, cast: Cast, cookie: str, cursor: int | None, opts) -> None:
    token = {"Authorization": f"Bearer {cast.viewer_token}"}
    deep = f"?cursor={cursor}" if cursor else ""
    cases = [
        ("home_page", "Home feed page (HTML)", Load(f"{server.url}/", headers={"Cookie": cookie})),
        (
            "home_page_deep",
            f"Home feed page, {opts.deep_pages} pages down",
            Load(f"{server.url}/{deep}", headers={"Cookie": cookie}),
        ),
        ("feed_api", "Feed API (JSON)", Load(f"{server.url}/api/v1/feeds/home", headers=token)),
        (
            "feed_api_deep",
            f"Feed API, {opts.deep_pages} pages down",
            Load(f"{server.url}/api/v1/feeds/home{deep}", headers=token),
        ),
    ]
    for key, name, load in cases:
        for concurrency in (1, 8):
            result = run(load, concurrency, opts.duration, opts.warmup)
            if concurrency == 1:
                target = f"p50 ≤ {TARGETS['feed_p50_ms']:.0f} ms, p95 ≤ {TARGETS['feed_p95_ms']:.0f} ms"
                met = result.p50 <= TARGETS["feed_p50_ms"] and result.p95 <= TARGETS["feed_p95_ms"]
            else:
                target = f"≥ {TARGETS['feed_rps_c8']:.0f} req/s"
                met = result.rps >= TARGETS["feed_rps_c8"]
            report.load(
                f"{key}_c{concurrency}",
                f"{name}, concurrency {concurrency}",
                result,
                target,
                met and not result.status_5xx,
            )


def _post_rows(report: Report, server: Server, cast: Cast, browser, opts) -> None:
    form = (
        f"csrf_token={quote(browser.csrf_token)}&community_id={cast.community_id}"
        "&body=Benchmark+form+post+{n}+about+the+depot+rota"
    )
    html = Load(
        f"{server.url}/posts",
        "POST",
        {"Cookie": browser.cookie, "Content-Type": "application/x-www-form-urlencoded"},
        form,
    )
    api = Load(
        f"{server.url}/api/v1/posts",
        "POST",
        {"Authorization": f"Bearer {cast.poster_token}", "Content-Type": "application/json"},
        '{"body": "Benchmark API post {n} about the depot rota", "community_id": ' + f"{cast.community_id}}}",
    )
    target = f"request p95 ≤ {TARGETS['post_p95_ms']:.0f} ms"
    for key, name, load in (
        ("post_form", "Post creation, HTML form (CSRF)", html),
        ("post_api", "Post creation, API (token)", api),
    ):
        for concurrency in (1, 8):
            result = run(load, concurrency, opts.duration, min(opts.warmup, 2))
            report.load(
                f"{key}_c{concurrency}",
                f"{name}, concurrency {concurrency}",
                result,
                target,
                result.p95 <= TARGETS["post_p95_ms"] and not result.status_5xx and not result.status_4xx,
            )


def _search_rows(report: Report, server: Server, cast: Cast, opts) -> None:
    paths = [f"/api/v1/search?type=posts&q={quote(q)}" for q in cast.queries]
    load = Load(
        f"{server.url}/api/v1/search", headers={"Authorization": f"Bearer {cast.viewer_token}"}, paths=paths
    )
    for concurrency in (1, 8):
        result = run(load, concurrency, opts.duration, opts.warmup)
        report.load(
            f"search_api_c{concurrency}",
            f"Search API, {len(paths)} 1- and 2-word queries, concurrency {concurrency}",
            result,
        )


def _live_rows(report: Report, server: Server, cast: Cast, opts) -> None:
    delivery = live.to_socket_and_search(
        server.url, cast.poster_token, cast.viewer_token, cast.community_id, opts.samples
    )
    socket, search = live.summary_ms(delivery.socket), live.summary_ms(delivery.search)
    report.add(
        "post_to_socket",
        f"New post → another member's open socket ({socket['n']} posts)",
        f"p50 {socket['p50']:.0f} ms, p95 {socket['p95']:.0f} ms, max {socket['max']:.0f} ms",
        f"p95 ≤ {TARGETS['socket_p95_ms']:.0f} ms",
        socket["p95"] <= TARGETS["socket_p95_ms"] and not delivery.missed,
        **socket,
        missed=delivery.missed,
    )
    report.add(
        "post_to_search",
        f"New post → findable in search ({search['n']} posts)",
        f"p50 {search['p50']:.0f} ms, p95 {search['p95']:.0f} ms, max {search['max']:.0f} ms",
        f"≤ {TARGETS['search_s']:.0f} s",
        search["max"] <= TARGETS["search_s"] * 1000 and not delivery.missed,
        **search,
        missed=delivery.missed,
    )
    before = server.web_rss_kb()
    with live.Listeners(server.url, cast.listener_tokens, procs=opts.listener_procs) as listeners:
        time.sleep(1)
        after = server.web_rss_kb()
        fan = listeners.time_posts(cast.poster_token, cast.community_id, opts.fanout_posts)
    timing = live.summary_ms(fan.last)
    per = (after - before) / max(fan.connected, 1)
    report.add(
        "fanout",
        f"Fan-out: {fan.connected} sockets in {cast.community_name}, last one has the post ({timing['n']} posts)",
        f"p50 {timing['p50']:.0f} ms, p95 {timing['p95']:.0f} ms, max {timing['max']:.0f} ms; {fan.missed} missed; connecting took {fan.connect_seconds:.1f} s",
        f"p95 ≤ {TARGETS['fanout_p95_ms']:.0f} ms",
        timing["p95"] <= TARGETS["fanout_p95_ms"] and not fan.missed,
        **timing,
        connected=fan.connected,
        missed=fan.missed,
    )
    report.add(
        "memory_per_socket",
        "Server memory per open socket",
        f"{per:.0f} kB (web workers' RSS together {before / 1024:.0f} → {after / 1024:.0f} MB)",
        before_kb=before,
        after_kb=after,
    )


def _memory_rows(report: Report, server: Server) -> None:
    for name, values in server.memory().items():
        if name == "redis":
            continue
        peak, anon, mapped = (values.get(k, 0) / 1024 for k in ("VmHWM", "RssAnon", "RssFile"))
        report.add(
            f"rss_{name.replace(' ', '_')}",
            f"Peak RSS, {name}",
            f"{peak:.0f} MB (at the end: {anon:.0f} MB heap + {mapped:.0f} MB mapped files)",
            f"≤ {TARGETS['rss_mb']:.0f} MB",
            peak <= TARGETS["rss_mb"],
            peak_mb=peak,
            anon_mb=anon,
            file_mb=mapped,
        )


def threads_for(clients: int, processes: int) -> int:
    """Threads per web process: its share of the fan-out's sockets (each holds one) with room for an
    uneven address hash (+25%), and 60 for requests."""
    return max(100, -(-clients * 5 // (4 * processes)) + 60)


def main(argv: list[str] | None = None) -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:///instance/bench.db")
    parser.add_argument("--state-dir", type=Path, default=Path("instance/bench-http"))
    parser.add_argument("--duration", type=float, default=float(os.environ.get("BENCH_DURATION", "30")))
    parser.add_argument(
        "--warmup", type=float, default=None, help="seconds before each figure (default: duration/6, 1..5)"
    )
    parser.add_argument("--clients", type=int, default=500, help="sockets for the fan-out")
    parser.add_argument("--fanout-posts", type=int, default=20)
    parser.add_argument("--samples", type=int, default=20, help="posts timed to the socket and search")
    parser.add_argument("--deep-pages", type=int, default=50)
    parser.add_argument(
        "--listener-procs", type=int, default=2, help="client processes holding the fan-out sockets"
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=default_processes(),
        help="web processes behind nginx (default: one per core, as the README documents)",
    )
    parser.add_argument(
        "--results", action=argparse.BooleanOptionalAction, default=True, help="write bench/results/"
    )
    opts = parser.parse_args(argv)
    opts.warmup = opts.warmup if opts.warmup is not None else min(5.0, max(1.0, opts.duration / 6))
    before = machine()
    clean_state(opts.state_dir)
    opts.state_dir.mkdir(parents=True, exist_ok=True)
    index = index_for(opts.database_url, opts.state_dir)
    drop_stale_index(opts.database_url, index)
    backfill = settle(opts.database_url)
    work = working_copy(opts.database_url, opts.state_dir)
    cast = prepare(work, opts.clients)
    report = Report()

    ceiling = Server(work, opts.state_dir, processes=opts.processes, ceiling=True).start()
    try:
        for concurrency in (1, 8):
            result: Result = run(Load(f"{ceiling.url}/"), concurrency, opts.duration, opts.warmup)
            report.ceiling[concurrency] = result
            report.load(
                f"ceiling_c{concurrency}", f"Ceiling: one-route Flask app, concurrency {concurrency}", result
            )
    finally:
        ceiling.stop()

    server = Server(
        work,
        opts.state_dir,
        threads=threads_for(opts.clients, opts.processes),
        processes=opts.processes,
        search_index=index,
    ).start()
    mark_index(opts.database_url, index)
    try:
        viewer, poster = sign_in(server.url, cast.viewer_email), sign_in(server.url, cast.poster_email)
        cursor = deep_cursor(server.url, cast.viewer_token, opts.deep_pages)
        _feed_rows(report, server, cast, viewer.cookie, cursor, opts)
        _search_rows(report, server, cast, opts)
        _post_rows(report, server, cast, poster, opts)
        _live_rows(report, server, cast, opts)
        _memory_rows(report, server)
    finally:
        server.stop()
    if backfill is not None:
        report.add(
            "first_rollup",
            "First insights roll-up (a year's backfill, committed a day at a time)",
            f"{backfill:.0f} s",
            seconds=backfill,
        )
    after = machine()
    settings = {
        "database": opts.database_url,
        "posts": cast.scale_posts,
        "scale": f"{cast.scale_posts:,} posts",
        "duration": opts.duration,
        "warmup": opts.warmup,
        "client": tool_name(),
        "web_processes": server.processes,
        "web_threads": server.threads,
        "listeners": len(cast.listener_tokens),
    }
    print(
        f"\nMachine: {before['cpu']}, {before['memory']} RAM, load {before['load']} → {after['load']}; {before['date']}"
    )
    print(
        f"Server: nginx → {server.processes} gunicorn process(es) (gthread, {server.threads} threads each), "
        f"Redis queue, jobs worker; client {tool_name()}"
    )
    print(report.table())
    if opts.results:
        print(f"\nWritten to {write(report, settings, before, after)}")


if __name__ == "__main__":
    main()
