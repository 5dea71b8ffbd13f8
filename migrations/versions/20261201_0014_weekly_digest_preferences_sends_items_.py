"""The email digest: preferences, sends (unique per person and period), items sent, comms pins, runs; HTML mail

Revision ID: 0014
Revises: 0018
Create Date: 2026-12-01 11:34:20.750565
"""

from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '0014'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('digest_runs',
    sa.Column('period_key', sa.String(length=30), nullable=False),
    sa.Column('started_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('period_key', name=op.f('pk_digest_runs'))
    )
    op.create_table('digest_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.String(length=10), nullable=False),
    sa.Column('muted_community_ids', sa.JSON(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_digest_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_digest_preferences'))
    )
    op.create_table('digest_sends',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('period_key', sa.String(length=30), nullable=False),
    sa.Column('email_id', sa.Integer(), nullable=True),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['email_id'], ['outgoing_emails.id'], name=op.f('fk_digest_sends_email_id_outgoing_emails'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_digest_sends_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_sends')),
    sa.UniqueConstraint('user_id', 'period_key', name='uq_digest_sends_user_id_period_key')
    )
    with op.batch_alter_table('digest_sends', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_digest_sends_user_id'), ['user_id'], unique=False)

    op.create_table('digest_items',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('send_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_digest_items_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['send_id'], ['digest_sends.id'], name=op.f('fk_digest_items_send_id_digest_sends'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_digest_items_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'post_id', name=op.f('pk_digest_items'))
    )
    with op.batch_alter_table('digest_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_digest_items_send_id'), ['send_id'], unique=False)

    op.create_table('digest_pins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('pinned_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pinned_by_id'], ['users.id'], name=op.f('fk_digest_pins_pinned_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_digest_pins_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_pins')),
    sa.UniqueConstraint('post_id', name=op.f('uq_digest_pins_post_id'))
    )
    with op.batch_alter_table('digest_pins', schema=None) as batch_op:
        batch_op.create_index('ix_digest_pins_expires_at', ['expires_at'], unique=False)

    with op.batch_alter_table('outgoing_emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html_body', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('headers', sa.JSON(), server_default='{}', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('outgoing_emails', schema=None) as batch_op:
        batch_op.drop_column('headers')
        batch_op.drop_column('html_body')

    with op.batch_alter_table('digest_pins', schema=None) as batch_op:
        batch_op.drop_index('ix_digest_pins_expires_at')

    op.drop_table('digest_pins')
    with op.batch_alter_table('digest_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digest_items_send_id'))

    op.drop_table('digest_items')
    with op.batch_alter_table('digest_sends', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digest_sends_user_id'))

    op.drop_table('digest_sends')
    op.drop_table('digest_preferences')
    op.drop_table('digest_runs')
