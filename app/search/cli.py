"""flask search reindex | check [--repair]."""

import time
from contextlib import contextmanager

import click
from flask.cli import AppGroup

from app.search.check import check_index, repair
from app.search.index import search_index
from app.search.indexer import indexer_lock, rebuild, total_items

search_cli = AppGroup("search", help="The search index: rebuild it from the database, or check it.")


@contextmanager
def _the_indexer_lock():
    """Hold the indexer lock, waiting (and saying so) while a running indexer finishes its pass."""
    state = search_index()
    with indexer_lock(state) as held:
        if held:
            yield state
            return
    click.echo("Waiting for the running indexer to finish its pass…", err=True)
    with indexer_lock(state, wait=True):
        yield state


@search_cli.command("reindex")
@click.option(
    "--procs",
    type=click.IntRange(1, 16),
    default=1,
    show_default=True,
    help="Writer processes: 2 on a two-core machine builds faster.",
)
def reindex(procs: int) -> None:
    """Rebuild the whole index from the database (search keeps answering from the old one until done)."""
    with _the_indexer_lock() as state:
        started = time.perf_counter()
        with click.progressbar(length=total_items(), label="Indexing", show_pos=True) as bar:
            count = rebuild(state, progress=bar.update, procs=procs)
    click.echo(f"Indexed {count:,} items in {time.perf_counter() - started:.1f}s.")


@search_cli.command("check")
@click.option("--repair", "fix", is_flag=True, help="Re-index what is missing or stale and remove the rest.")
def check(fix: bool) -> None:
    """Compare the index with the database; exits 1 if they differ (and --repair wasn't given)."""
    with _the_indexer_lock() as state:
        report = check_index(state)
        for name, expected in report.expected.items():
            click.echo(
                f"{name:<10} {expected:>8,} searchable  {len(report.missing[name]):>6,} missing  "
                f"{len(report.stale[name]):>6,} stale  {len(report.extra.get(name, ())):>6,} extra"
            )
        if not report.problems:
            click.echo("The index matches the database.")
            return
        if fix:
            repair(state, report)
            click.echo(f"Repaired {report.problems:,} items.")
            return
    click.echo(f"{report.problems:,} items differ. Run `flask search check --repair` to fix them.", err=True)
    raise SystemExit(1)
