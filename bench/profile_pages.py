"""CPU milliseconds per request for the feed pages, the feed API and post creation, in process.

    .venv/bin/python -m bench.profile_pages --database-url sqlite:///instance/bench.db
    .venv/bin/python -m bench.profile_pages --only home_page --profile pyinstrument   (or cprofile)

Works on a copy of the database (bench.server.working_copy, under --state-dir) with the production
settings (CSRF on), signed in over the test client as the HTTP benchmark's viewer and poster
(bench.cast). Each figure is the median of --repeat requests' time.process_time, so other load on
the machine barely moves it (the request thread's own CPU is printed beside it: after a post, the
event dispatcher thread's work is in the first figure only); wall-clock figures belong to bench/run.py.
"""

import argparse
import cProfile
import io
import pstats
import re
import statistics
import time
from pathlib import Path

from app import create_app
from app.extensions import db
from bench.cast import CSRF, prepare
from bench.generate import PASSWORD
from bench.server import working_copy

NEXT_CURSOR = re.compile(r"\?cursor=(\d+)")


def _app(database_url: str, state: Path):
    """The production app over the working copy (plain-HTTP cookies; search index under state)."""
    return create_app(
        "production",
        DATABASE_URL=database_url,
        SECRET_KEY="profile-pages",
        SESSION_COOKIE_SECURE=False,
        REMEMBER_COOKIE_SECURE=False,
        SEARCH_INDEX_DIR=str(state / "search-index"),
        RATELIMIT_ENABLED=False,  # post creation repeats faster than any per-minute limit allows
    )


def _signed_in(app, email: str):
    """A test client signed in through /login; returns it and a CSRF token from the home page."""
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    answer = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    if answer.status_code not in (302, 303):
        raise RuntimeError(f"signing in as {email} answered {answer.status_code}")
    home = client.get("/").get_data(as_text=True)
    return client, CSRF.search(home).group(1)


def _deep_cursor(client, pages: int) -> str:
    """The cursor `pages` pages down the home feed, following the "Older posts" link."""
    cursor = ""
    for _ in range(pages):
        found = NEXT_CURSOR.search(client.get(f"/?cursor={cursor}" if cursor else "/").get_data(as_text=True))
        if not found:
            break
        cursor = found.group(1)
    return cursor


def cases(app, cast, pages: int) -> dict:
    """name -> a function making one request (asserting its status)."""
    viewer, _ = _signed_in(app, cast.viewer_email)
    poster, csrf = _signed_in(app, cast.poster_email)
    deep = _deep_cursor(viewer, pages)
    bearer = {"Authorization": f"Bearer {cast.viewer_token}"}
    poster_bearer = {"Authorization": f"Bearer {cast.poster_token}"}
    counter = iter(range(10**9))

    def get(client, url, headers=None):
        def request():
            answer = client.get(url, headers=headers)
            assert answer.status_code == 200, (url, answer.status_code)

        return request

    def post_form():
        answer = poster.post(
            "/posts",
            data={
                "csrf_token": csrf,
                "community_id": cast.community_id,
                "body": f"Profile form post {next(counter)} about the depot rota",
            },
        )
        assert answer.status_code in (302, 303), answer.status_code

    def post_api():
        answer = poster.post(
            "/api/v1/posts",
            json={
                "body": f"Profile API post {next(counter)} about the depot rota",
                "community_id": cast.community_id,
            },
            headers=poster_bearer,
        )
        assert answer.status_code == 201, answer.status_code

    return {
        "home_page": get(viewer, "/"),
        "home_page_deep": get(viewer, f"/?cursor={deep}"),
        "feed_api": get(viewer, "/api/v1/feeds/home", bearer),
        "feed_api_deep": get(viewer, f"/api/v1/feeds/home?cursor={deep}", bearer),
        "post_form": post_form,
        "post_api": post_api,
    }


def measure(request, repeat: int, warmup: int = 5) -> tuple[float, float, float, float]:
    """Median ms per request: CPU of the whole process, CPU of the request's own thread, and wall;
    and the least CPU (what the request costs when nothing else competes for the cores' caches).

    The two CPU figures differ by what other threads did meanwhile (the event dispatcher after a post).
    """
    for _ in range(warmup):
        request()
    cpu, own, wall = [], [], []
    for _ in range(repeat):
        started = time.process_time(), time.thread_time(), time.perf_counter()
        request()
        cpu.append((time.process_time() - started[0]) * 1000)
        own.append((time.thread_time() - started[1]) * 1000)
        wall.append((time.perf_counter() - started[2]) * 1000)
    return statistics.median(cpu), statistics.median(own), statistics.median(wall), min(cpu)


def profile(name: str, request, repeat: int, kind: str, out: Path) -> Path:
    """Profile `repeat` requests with pyinstrument (HTML and text) or cProfile (.prof and text)."""
    out.mkdir(parents=True, exist_ok=True)
    request()
    if kind == "pyinstrument":
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(repeat):
            request()
        profiler.stop()
        (out / f"{name}.html").write_text(profiler.output_html())
        (out / f"{name}.txt").write_text(profiler.output_text(unicode=True, show_all=False))
        return out / f"{name}.txt"
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        request()
    profiler.disable()
    profiler.dump_stats(out / f"{name}.prof")
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(60)
    (out / f"{name}.txt").write_text(text.getvalue())
    return out / f"{name}.txt"


def main(argv: list[str] | None = None) -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:///instance/bench.db")
    parser.add_argument("--state-dir", type=Path, default=Path("instance/bench-profile"))
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--deep-pages", type=int, default=50)
    parser.add_argument("--only", action="append", help="a case name (repeatable); default all")
    parser.add_argument("--profile", choices=("pyinstrument", "cprofile"))
    opts = parser.parse_args(argv)
    opts.state_dir.mkdir(parents=True, exist_ok=True)
    work = working_copy(opts.database_url, opts.state_dir)
    cast = prepare(work, 0)
    app = _app(work, opts.state_dir)
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(f"load average {load}; median of {opts.repeat} requests")
    for name, request in cases(app, cast, opts.deep_pages).items():
        if opts.only and name not in opts.only:
            continue
        if opts.profile:
            path = profile(name, request, opts.repeat, opts.profile, opts.state_dir / "profiles")
            print(f"{name:16} profile written to {path}")
        else:
            cpu, own, wall, least = measure(request, opts.repeat)
            print(
                f"{name:16} CPU {cpu:6.2f} ms (least {least:5.2f})   request thread {own:6.2f} ms   wall {wall:6.2f} ms"
            )
    db.dispose(app)


if __name__ == "__main__":
    main()
