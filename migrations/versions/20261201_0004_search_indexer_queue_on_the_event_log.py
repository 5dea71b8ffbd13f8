"""Search indexer queue on the event log

Revision ID: 0004
Revises: 0013
Create Date: 2026-12-01 07:59:22.023300
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing events start pending; the first indexer run rebuilds the (new) index from the
    # database and marks them indexed, so history is never replayed one event at a time.
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_indexed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_events_search_pending', ['search_indexed', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_search_pending')
        batch_op.drop_column('search_indexed')
