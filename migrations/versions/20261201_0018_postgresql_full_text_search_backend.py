"""PostgreSQL full-text search backend: search_documents and search_words

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-01 12:00:00.000000

The tables are created everywhere (the schema is the same on SQLite, where they stay empty); the
text search configuration, the extensions and the trigram index are PostgreSQL-only and skipped on
SQLite. Without pg_trgm (no permission, or not installed) the word index is a plain one of the same
name and "did you mean" falls back to a slower edit-distance scan; without unaccent, café and cafe
are different words. Either can be added later: install it, run `flask db downgrade 0004 && flask db
upgrade` (or the statements below by hand), then `flask search reindex`.
"""

import logging

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
import app.models.base


revision = '0018'
down_revision = '0015'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
# Every word kind the english configuration stems: folded (unaccent) first when available.
WORD_TOKENS = "asciiword, asciihword, hword_asciipart, word, hword, hword_part"


def _extension(name: str) -> bool:
    """CREATE EXTENSION in a savepoint: a failure (not allowed, not installed) leaves the rest."""
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.execute(sa.text(f"CREATE EXTENSION IF NOT EXISTS {name}"))
        return True
    except sa.exc.DBAPIError as exc:
        log.warning("PostgreSQL extension %s is not available (%s); search works without it.", name, exc.orig)
        return False


def _text_search_configuration(unaccent: bool) -> None:
    # Snowball English without its stop list: "IT" and "May" stay searchable; the application
    # leaves common words out of queries itself (app/search/pg_query.py).
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS rollcall_english")
    op.execute("DROP TEXT SEARCH DICTIONARY IF EXISTS rollcall_english_stem")
    op.execute("CREATE TEXT SEARCH DICTIONARY rollcall_english_stem (TEMPLATE = snowball, LANGUAGE = english)")
    op.execute("CREATE TEXT SEARCH CONFIGURATION rollcall_english (COPY = english)")
    chain = "unaccent, rollcall_english_stem" if unaccent else "rollcall_english_stem"
    op.execute(f"ALTER TEXT SEARCH CONFIGURATION rollcall_english ALTER MAPPING FOR {WORD_TOKENS} WITH {chain}")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    trigrams = False
    if postgres:
        unaccent = _extension("unaccent")
        trigrams = _extension("pg_trgm")
        _text_search_configuration(unaccent)
    op.create_table('search_documents',
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('item_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('tsv', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'), nullable=False),
    sa.Column('tags', sa.Text().with_variant(postgresql.ARRAY(sa.Text()), 'postgresql'), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('stamp', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('type', 'item_id', name=op.f('pk_search_documents'))
    )
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index('ix_search_documents_tags', ['tags'], unique=False, postgresql_using='gin')
        batch_op.create_index('ix_search_documents_tsv', ['tsv'], unique=False, postgresql_using='gin')
        batch_op.create_index('ix_search_documents_type_community', ['type', 'community_id'], unique=False)

    op.create_table('search_words',
    sa.Column('word', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('word', name=op.f('pk_search_words'))
    )
    with op.batch_alter_table('search_words', schema=None) as batch_op:
        if trigrams:
            batch_op.create_index('ix_search_words_trgm', ['word'], unique=False, postgresql_using='gin',
                                  postgresql_ops={'word': 'gin_trgm_ops'})
        else:
            batch_op.create_index('ix_search_words_trgm', ['word'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('search_words', schema=None) as batch_op:
        batch_op.drop_index('ix_search_words_trgm')
    op.drop_table('search_words')
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_search_documents_type_community')
        batch_op.drop_index('ix_search_documents_tsv')
        batch_op.drop_index('ix_search_documents_tags')
    op.drop_table('search_documents')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS rollcall_english")
        op.execute("DROP TEXT SEARCH DICTIONARY IF EXISTS rollcall_english_stem")
