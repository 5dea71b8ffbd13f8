"""`flask governance retention [--dry-run]`: apply the retention periods now, or show what they would do."""

import click
from flask.cli import AppGroup

from app.db import writing
from app.governance import registry
from app.governance.retention import preview
from app.governance.retention_job import run_retention

governance_cli = AppGroup("governance", help="Information governance: retention periods and legal holds.")


@governance_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Only count what is due (and what legal holds keep).")
def retention_command(dry_run: bool) -> None:
    """Apply every retention period now, as the nightly job does (the run is audited)."""
    if dry_run:
        due = preview()
        if not due:
            click.echo("No retention periods are set: everything is kept.")
        for key, (ready, kept) in due.items():
            click.echo(f"{registry.RETENTION[key].label}: {ready} due, {kept} kept by a legal hold")
        return
    with writing():
        results = run_retention(trigger="command")
    if not results:
        click.echo("No retention periods are set: nothing to do.")
    for key, counts in results.items():
        done = ", ".join(f"{what.replace('_', ' ')} {n}" for what, n in counts.items())
        click.echo(f"{registry.RETENTION[key].label}: {done}")
