"""Scheduled and retried work: a small registry of periodic tasks, run by `flask jobs run` or `tick`.

Later issues register reminders and digests here with @task("name").
"""

import signal
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from app import events
from app.errors import DATABASE_UNAVAILABLE, first_line
from app.extensions import db

Task = Callable[[], int | None]
# Run in registration order, once per pass.
TASKS: dict[str, Task] = {}
DEFAULT_INTERVAL = 5.0
# Loops that must react faster than a pass (the search indexer): start(app) -> stop, run by `jobs run`.
Follower = Callable[[Flask], Callable[[], None]]
FOLLOWERS: list[Follower] = []

jobs_cli = AppGroup("jobs", help="Scheduled work: the worker loop (run) or one pass (tick, for cron).")


def task(name: str) -> Callable[[Task], Task]:
    """Register a periodic task; it returns how many things it did (or None)."""

    def register(fn: Task) -> Task:
        TASKS[name] = fn
        return fn

    return register


def follower(start: Follower) -> Follower:
    """Register a loop the worker runs beside its passes: start(app) returns a function that stops it."""
    if start not in FOLLOWERS:
        FOLLOWERS.append(start)
    return start


@task("replay_events")
def replay_events() -> int:
    """Dispatch events committed but never dispatched (a crash, or a subscriber that failed)."""
    return events.replay(min_age=timedelta(seconds=current_app.config["EVENT_REPLAY_GRACE_SECONDS"]))


def tick(app: Flask) -> dict[str, int | None | Exception]:
    """Run every task once, each in its own app context; a failing task doesn't stop the others."""
    results: dict[str, int | None | Exception] = {}
    for name, fn in list(TASKS.items()):
        with app.app_context():
            try:
                results[name] = fn()
            except DATABASE_UNAVAILABLE as exc:  # an outage: one line a pass, not a traceback
                app.logger.warning("job %s skipped, database unavailable: %s", name, first_line(exc))
                results[name] = exc
            except Exception as exc:  # noqa: BLE001 - logged; the next pass tries again
                app.logger.exception("job %s failed", name)
                results[name] = exc
    return results


def run_forever(app: Flask, interval: float, stop: threading.Event) -> int:
    """Tick every `interval` seconds until `stop` is set; returns how many passes ran."""
    passes = 0
    while not stop.is_set():
        tick(app)
        passes += 1
        stop.wait(interval)
    return passes


def _no_database_yet(url: str) -> bool:
    parsed = make_url(url)
    return (
        parsed.get_backend_name() == "sqlite"
        and parsed.database not in (None, "", ":memory:")
        and not Path(parsed.database).exists()
    )


def replay_pending(app: Flask) -> int:
    """On start: dispatch what a crash left undispatched (quietly nothing before the first migration)."""
    if _no_database_yet(app.config["DATABASE_URL"]):
        return 0
    with app.app_context():
        try:
            if not inspect(db.engine).has_table("events"):
                return 0
            return events.replay()
        except SQLAlchemyError as exc:  # the jobs worker replays them once the database answers
            app.logger.warning("Could not replay pending events on start: %s", first_line(exc))
            return 0


def _trap_stop_signals(stop: threading.Event) -> dict:
    """SIGINT and SIGTERM finish the current pass and stop; returns the handlers to restore."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, lambda *_: stop.set())
    return previous


@jobs_cli.command("tick")
def jobs_tick() -> None:
    """Run every periodic task once (for cron); exits 1 if one failed."""
    failed = False
    for name, result in tick(current_app._get_current_object()).items():
        if isinstance(result, Exception):
            failed = True
            click.echo(f"{name}: failed ({result.__class__.__name__}: {result})", err=True)
        else:
            click.echo(f"{name}: {result if result is not None else 'done'}")
    if failed:
        raise SystemExit(1)


@jobs_cli.command("run")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.01),
    default=DEFAULT_INTERVAL,
    show_default=True,
    help="Seconds between passes.",
)
def jobs_run(interval: float) -> None:
    """The worker loop: every few seconds run every periodic task; SIGINT or SIGTERM stops it."""
    stop = threading.Event()
    previous = _trap_stop_signals(stop)
    click.echo(f"Jobs worker running {', '.join(TASKS)} every {interval:g}s (Ctrl-C to stop).")
    app = current_app._get_current_object()
    stoppers = [start(app) for start in FOLLOWERS]
    try:
        passes = run_forever(app, interval, stop)
    finally:
        for stop_follower in stoppers:
            stop_follower()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo(f"Jobs worker stopped after {passes} passes.")
