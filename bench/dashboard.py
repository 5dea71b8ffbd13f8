"""Time the insight dashboard on the benchmark organisation (make bench-dashboard).

    .venv/bin/python -m bench.dashboard --database-url sqlite:///instance/bench.db [--runs 20]

The organisation comes from the shared generator (bench/generate.py: 2,000 people, 100,000 posts,
300,000 replies, 500,000 reactions at full size). The generator has no objectives, curated links,
sessions or views, so on SQLite this copies the database to instance/<name>-dashboard.db (other
benchmarks keep theirs untouched) and adds, scaled to its size: four objectives tagging a fifth of
the posts, 500 curated links with 20,000 clicks and 2,500 saves, 100 sessions with RSVPs, attendance
and ratings, and 300,000 views over the last twelve weeks (bench/dashboard_data.py). It then rebuilds
the daily roll-up for the dashboard's range (the jobs worker keeps it current in production), renders
/insights as a leader through the test client (the whole request: filters, every section, the
template) and times each section on its own, printing p50, p95 and max in milliseconds.
On PostgreSQL it works in place and needs --in-place (it adds those rows to the database).
Target (issue 7): the dashboard renders in under 1 s on the benchmark data set.
"""

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from app import create_app  # noqa: E402
from app.db import writing  # noqa: E402
from app.extensions import db  # noqa: E402
from app.insights.filters import DEFAULT_DAYS, Filters  # noqa: E402
from app.insights.privacy import threshold  # noqa: E402
from app.insights.rollup import rollup_range  # noqa: E402
from app.insights.sections import build_section, section_names  # noqa: E402
from app.models import CuratedLink, LearningSession, LinkClick, Post, PostView, Reaction, Reply, User, utcnow  # noqa: E402
from bench.dashboard_data import add_dashboard_data  # noqa: E402

WORK_COPY_DIR = Path("instance")


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the timings fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(values: list[float]) -> str:
    """p50 / p95 / max in milliseconds."""
    ms = [v * 1000 for v in values]
    return f"p50 {statistics.median(ms):7.1f}  p95 {percentile(ms, 0.95):7.1f}  max {max(ms):7.1f} ms"


def working_copy(url: str, in_place: bool, parser: argparse.ArgumentParser) -> str:
    """The database to time: a copy of a SQLite one with the dashboard's rows added, or the given one."""
    if in_place or not url.startswith("sqlite:///"):
        if not in_place:
            parser.error("on PostgreSQL pass --in-place: the dashboard's rows are added to that database")
        add_dashboard_data(url)
        return url
    source = Path(url.removeprefix("sqlite:///"))
    work_copy = WORK_COPY_DIR / f"{source.stem}-dashboard.db"
    if not source.exists():
        parser.error(f"{source} does not exist: build it with make bench-data")
    if not work_copy.exists() or work_copy.stat().st_mtime < source.stat().st_mtime:
        # sqlite3's backup copies a consistent database even with a -wal file beside it.
        work_copy.unlink(missing_ok=True)
        with sqlite3.connect(source) as src, sqlite3.connect(work_copy) as dst:
            src.backup(dst)
    copy = f"sqlite:///{work_copy}"
    add_dashboard_data(copy)
    return copy


def main() -> int:
    """Parse arguments, optionally roll up, then time the page and each section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed renders of the page (default 20)")
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", "sqlite:///instance/bench.db")
    )
    parser.add_argument(
        "--in-place", action="store_true", help="add the dashboard's rows to this database itself"
    )
    parser.add_argument("--no-rollup", action="store_true", help="keep the roll-up a previous run built")
    args = parser.parse_args()
    url = working_copy(args.database_url, args.in_place, parser)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; database {url}"
    )
    app = create_app(
        "production",
        SECRET_KEY="bench",
        DATABASE_URL=url,
        RATELIMIT_ENABLED=False,
        SESSION_COOKIE_SECURE=False,
    )
    with app.app_context():
        counts = {
            m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
            for m in (User, Post, Reply, Reaction, CuratedLink, LinkClick, LearningSession, PostView)
        }
        print("data set: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
        viewer = db.session.scalar(
            select(User)
            .where(User.role.in_(("leader", "admin")), User.deactivated_at.is_(None))
            .order_by(User.id)
        )
        if viewer is None:
            print("no active leader or admin to view the dashboard as", file=sys.stderr)
            return 1
        today = utcnow().date()
        filters = Filters(start=today - timedelta(days=DEFAULT_DAYS - 1), end=today)
        if not args.no_rollup:
            started = time.perf_counter()
            with writing():
                days = rollup_range(
                    filters.start - timedelta(days=60), today
                )  # quiet communities look back 8 weeks
                db.session.commit()
            print(f"roll-up: {days} days in {time.perf_counter() - started:.1f} s")
        viewer_id, minimum = viewer.id, threshold()

    client = app.test_client()
    with client.session_transaction() as session, app.app_context():
        session["_user_id"] = db.session.get(User, viewer_id).get_id()
    assert client.get("/insights").status_code == 200  # warm caches and connections
    page = []
    for _ in range(args.runs):
        started = time.perf_counter()
        response = client.get("/insights")
        page.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    print(f"GET /insights ({args.runs} runs, {len(response.data) // 1024} KB): {summary(page)}")

    with app.test_request_context(), app.app_context():
        viewer = db.session.get(User, viewer_id)
        for name in section_names():
            timings = []
            for _ in range(max(3, args.runs // 4)):
                started = time.perf_counter()
                build_section(name, filters, viewer, minimum)
                timings.append(time.perf_counter() - started)
            print(f"  section {name:<14} {summary(timings)}")
    db.dispose(app)
    return 0 if statistics.median(page) < 1.0 else 2


if __name__ == "__main__":
    raise SystemExit(main())
