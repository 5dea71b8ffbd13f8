"""`flask users sync --from FILE.csv`: reconcile accounts with the HR roster, from the command line."""

import click
from flask import current_app
from flask.cli import with_appcontext

from app.db import writing
from app.extensions import db
from app.identity.roster import Plan, RosterError, apply_sync, over_limit, plan_sync, read_roster
from app.models import Unit

SHOWN = 50  # people listed per section; the counts are always complete


def _describe(changes: dict) -> str:
    labels = {"unit": "unit", "job_title": "job title", "staff_type": "staff type"}
    return "; ".join(
        f"{labels[k]} → {v.name if isinstance(v, Unit) else v}" for k, v in changes.items() if k in labels
    )


def _section(title: str, lines: list[str]) -> None:
    click.echo(f"{title}: {len(lines)}")
    for line in lines[:SHOWN]:
        click.echo(f"  - {line}")
    if len(lines) > SHOWN:
        click.echo(f"  … and {len(lines) - SHOWN} more")


def report(plan: Plan, dry_run: bool) -> None:
    """Print what the sync does (or, in a dry run, would do)."""
    verb = "Would deactivate" if dry_run else "Deactivated"
    click.echo(
        f"Roster: {plan.on_roster} people, {plan.marked_left} marked as left; "
        f"{plan.active_accounts} accounts not deactivated here."
    )
    _section(verb, [f"{u.email} ({why})" for u, why in plan.deactivate])
    _section(
        "Would update" if dry_run else "Updated", [f"{u.email}: {_describe(c)}" for u, c in plan.updates]
    )
    _section(
        "Admins not on the roster, kept (use --include-admins to include them)",
        [u.email for u in plan.admins_kept],
    )
    _section(
        "On the roster without an account (they get one when they first sign in, or by invitation)",
        [e.email for e in plan.not_found],
    )
    _section(
        "On the roster but deactivated here (reactivate them in Admin → People if they are back)",
        [u.email for u in plan.deactivated_on_roster],
    )
    if plan.unknown_units:
        click.echo(
            "Units on the roster that don't exist here, left unchanged (add them in Admin → Units): "
            + ", ".join(sorted(plan.unknown_units))
        )
    for warning in plan.warnings:
        click.echo(f"Warning: {warning}", err=True)


@click.command("sync")
@with_appcontext
@click.option(
    "--from",
    "source",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The HR roster CSV: email, name, unit, staff type, job title and an optional status column.",
)
@click.option("--dry-run", is_flag=True, help="Print what would change and change nothing.")
@click.option(
    "--include-admins", is_flag=True, help="Deactivate admins who have left too (never the last one)."
)
@click.option(
    "--max-percent",
    type=click.FloatRange(min=0, max=100),
    default=None,
    help="Refuse to deactivate more than this share of accounts at once [default: ROSTER_MAX_DEACTIVATE_PERCENT, 10].",
)
@click.option("--force", is_flag=True, help="Deactivate even beyond --max-percent.")
def users_sync(
    source: str, dry_run: bool, include_admins: bool, max_percent: float | None, force: bool
) -> None:
    """Deactivate people absent from the HR roster or marked as left; update units and job titles."""
    limit = current_app.config["ROSTER_MAX_DEACTIVATE_PERCENT"] if max_percent is None else max_percent
    with writing():
        try:
            entries, warnings = read_roster(source)
        except RosterError as exc:
            raise click.ClickException(
                "The roster was not used, nothing changed:\n  " + "\n  ".join(exc.problems)
            ) from exc
        for warning in warnings:
            click.echo(f"Warning: {warning}", err=True)
        plan = plan_sync(entries, include_admins=include_admins)
        refusal = None if force else over_limit(plan, limit)
        if dry_run:
            click.echo("Dry run: nothing has been changed.")
            report(plan, dry_run=True)
            if refusal:
                click.echo(f"A real run would refuse: {refusal}", err=True)
            return
        if refusal:
            raise click.ClickException(f"{refusal} Nothing changed.")
        apply_sync(plan, source, "command line")
        db.session.commit()
    report(plan, dry_run=False)
