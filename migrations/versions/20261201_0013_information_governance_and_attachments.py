"""Information governance and attachments: retention rules, legal holds, data exports,
sensitive-content confirmations, attachments, post markings and erased accounts

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-01 09:33:50.572506
"""

from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('retention_rules',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('keep_amount', sa.Integer(), nullable=True),
    sa.Column('keep_unit', sa.String(length=10), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_retention_rules_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_retention_rules'))
    )
    op.create_table('sensitive_confirmations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('item_type', sa.String(length=10), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('pattern', sa.String(length=40), nullable=False),
    sa.Column('matches', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sensitive_confirmations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sensitive_confirmations'))
    )
    with op.batch_alter_table('sensitive_confirmations', schema=None) as batch_op:
        batch_op.create_index('ix_sensitive_confirmations_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_sensitive_confirmations_item', ['item_type', 'item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sensitive_confirmations_user_id'), ['user_id'], unique=False)

    op.create_table('data_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ends_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('file_key', sa.String(length=64), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ready_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('downloaded_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_data_exports_community_id_communities'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_data_exports_requested_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_id'], ['users.id'], name=op.f('fk_data_exports_subject_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_exports')),
    sa.UniqueConstraint('file_key', name=op.f('uq_data_exports_file_key'))
    )
    with op.batch_alter_table('data_exports', schema=None) as batch_op:
        batch_op.create_index('ix_data_exports_requested_by_id_id', ['requested_by_id', 'id'], unique=False)
        batch_op.create_index('ix_data_exports_status_id', ['status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_exports_subject_id'), ['subject_id'], unique=False)

    op.create_table('legal_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ends_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lifted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.Column('lift_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_legal_holds_community_id_communities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_legal_holds_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['users.id'], name=op.f('fk_legal_holds_lifted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_legal_holds_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_holds'))
    )
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_holds_community_id'), ['community_id'], unique=False)
        batch_op.create_index('ix_legal_holds_lifted_at_id', ['lifted_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_holds_user_id'), ['user_id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('reply_id', sa.Integer(), nullable=True),
    sa.Column('uploader_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('file_key', sa.String(length=64), nullable=False),
    sa.Column('has_thumbnail', sa.Boolean(), nullable=False),
    sa.Column('file_name', sa.String(length=160), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('alt_text', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_attachments_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reply_id'], ['replies.id'], name=op.f('fk_attachments_reply_id_replies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_attachments_uploader_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('file_key', name=op.f('uq_attachments_file_key'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index('ix_attachments_post_id_position', ['post_id', 'position'], unique=False)
        batch_op.create_index('ix_attachments_reply_id_position', ['reply_id', 'position'], unique=False)
        batch_op.create_index('ix_attachments_uploader_id_id', ['uploader_id', 'id'], unique=False)

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('marking', sa.String(length=40), server_default='', nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', app.models.base.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('erased_at')

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_column('marking')

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_attachments_uploader_id_id')
        batch_op.drop_index('ix_attachments_reply_id_position')
        batch_op.drop_index('ix_attachments_post_id_position')

    op.drop_table('attachments')
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_holds_user_id'))
        batch_op.drop_index('ix_legal_holds_lifted_at_id')
        batch_op.drop_index(batch_op.f('ix_legal_holds_community_id'))

    op.drop_table('legal_holds')
    with op.batch_alter_table('data_exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_exports_subject_id'))
        batch_op.drop_index('ix_data_exports_status_id')
        batch_op.drop_index('ix_data_exports_requested_by_id_id')

    op.drop_table('data_exports')
    with op.batch_alter_table('sensitive_confirmations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sensitive_confirmations_user_id'))
        batch_op.drop_index('ix_sensitive_confirmations_item')
        batch_op.drop_index('ix_sensitive_confirmations_created_at')

    op.drop_table('sensitive_confirmations')
    op.drop_table('retention_rules')
