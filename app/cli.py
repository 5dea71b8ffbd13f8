"""flask commands: db, demo, users (and the jobs and governance groups)."""

from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app
from flask.cli import AppGroup

from app.db import writing
from app.errors import ValidationError
from app.extensions import db
from app.models import ROLES

ROOT = Path(__file__).resolve().parent.parent

db_cli = AppGroup("db", help="Database schema (Alembic).")
demo_cli = AppGroup("demo", help="The demo organisation.")
users_cli = AppGroup("users", help="People and their accounts.")
posts_cli = AppGroup("posts", help="Posts, replies and questions.")


def alembic_config(url: str | None = None) -> AlembicConfig:
    """Alembic configured for this app's database."""
    cfg = AlembicConfig(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", (url or current_app.config["DATABASE_URL"]).replace("%", "%%"))
    return cfg


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(), revision)
    click.echo(f"Database upgraded to {revision}.")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION."""
    command.downgrade(alembic_config(), revision)


@db_cli.command("current")
def db_current() -> None:
    """Show the database's current revision."""
    command.current(alembic_config())


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing when people already exist.")
def demo_seed(if_empty: bool) -> None:
    """Build the demo police service and print its logins."""
    from app.demo import seed_demo

    with writing():
        try:
            seeded = seed_demo(only_if_empty=if_empty)
        except ValidationError as exc:
            raise click.ClickException("; ".join(exc.fields.values())) from exc
    if seeded is None:
        click.echo("Database already has people; demo not seeded.")
        return
    db.session.commit()
    click.echo(
        f"Demo organisation ready. Sign in with any of these (password for all: {seeded['password']}):"
    )
    for email, role in seeded["logins"]:
        click.echo(f"  {role:<10} {email}")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(ROLES), default="member")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def users_create(email: str, name: str, role: str, password: str) -> None:
    """Create a confirmed account."""
    from app.auth.services import create_user

    with writing():
        try:
            user = create_user(email, name, password, role=role)
        except ValidationError as exc:
            raise click.ClickException("; ".join(f"{k}: {v}" for k, v in exc.fields.items())) from exc
        db.session.commit()
    click.echo(f"Created {user.email} ({role}).")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="Command line", show_default=True, help="What will use the token.")
@click.option("--scope", type=click.Choice(("read", "write")), default="read", show_default=True)
def users_token(email: str, name: str, scope: str) -> None:
    """Print a new personal API token for an active person (shown once, stored hashed)."""
    from app.api.tokens import create_token
    from app.auth.services import user_by_email

    with writing():
        user = user_by_email(email)
        if user is None or not user.is_active:
            raise click.ClickException(f"No active account for {email}.")
        try:
            token, plaintext = create_token(user, name, scope)
        except ValidationError as exc:
            raise click.ClickException("; ".join(f"{k}: {v}" for k, v in exc.fields.items())) from exc
        db.session.commit()
    click.echo(plaintext)
    click.echo(
        f"Token “{token.name}” ({scope}) for {user.email}; shown once, revoke it at /account/tokens.",
        err=True,
    )


@posts_cli.command("rerender")
@click.option("--all", "everything", is_flag=True, help="Every row, not only those an older renderer made.")
def posts_rerender(everything: bool) -> None:
    """Render stored HTML again from its source (after the sanitiser's allow-list changed)."""
    from app.posts.rerender import rerender_stored_html

    counts = rerender_stored_html(everything)
    click.echo(", ".join(f"{table}: {n}" for table, n in counts.items()) + " re-rendered")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    from app.digest.send import digest_cli
    from app.governance.commands import governance_cli
    from app.identity.commands import users_sync
    from app.jobs import jobs_cli
    from app.mail import mail_cli

    users_cli.add_command(users_sync)
    for group in (db_cli, demo_cli, users_cli, posts_cli, jobs_cli, mail_cli, governance_cli, digest_cli):
        app.cli.add_command(group)
