"""Link clicks per objective day (the dashboard's per-objective "links clicked" and its weekly trend)

Revision ID: 0015
Revises: 0004
Create Date: 2026-12-01 12:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('objective_days', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_clicks', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('objective_days', schema=None) as batch_op:
        batch_op.drop_column('link_clicks')
