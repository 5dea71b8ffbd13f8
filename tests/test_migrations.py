"""Alembic builds exactly the schema the models describe."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select, text

from app.models import Base

pytestmark = pytest.mark.slow


def _diff(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


def test_upgrade_head_on_an_empty_database_matches_the_models(tmp_path):
    from alembic import command

    from app.cli import alembic_config

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            assert _diff(connection) == []
            names = (
                connection.execute(text("SELECT name FROM communities WHERE is_all_staff")).scalars().all()
            )
            assert names == ["All staff"]
        command.downgrade(alembic_config(url), "base")
        with engine.connect() as connection:
            tables = (
                connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'")).scalars().all()
            )
            assert set(tables) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_the_test_database_matches_the_models(app):
    """Runs against TEST_DATABASE_URL too, so PostgreSQL is checked in CI."""
    with app.app_context():
        from app.extensions import db

        with db.engine.connect() as connection:
            assert _diff(connection) == []
            from app.models import Community

            assert (
                connection.execute(select(Community.name).where(Community.is_all_staff)).scalar()
                == "All staff"
            )
