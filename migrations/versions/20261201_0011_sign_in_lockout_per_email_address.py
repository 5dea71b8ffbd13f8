"""Sign-in lockout per email address

Revision ID: 0011
Revises: 0003
Create Date: 2026-12-01 08:05:08.658885
"""

from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '0011'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_throttles',
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('first_failed_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('locked_until', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('email', name=op.f('pk_login_throttles'))
    )


def downgrade() -> None:
    op.drop_table('login_throttles')
