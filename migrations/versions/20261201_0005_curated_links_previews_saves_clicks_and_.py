"""Curated links: previews, saves, clicks and curator grants

Revision ID: 0005
Revises: 0006
Create Date: 2026-12-01 07:59:10.207986
"""

from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '0005'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('link_previews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('url_key', sa.String(length=2000), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('fetched_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('final_url', sa.Text(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('site_name', sa.String(length=120), nullable=False),
    sa.Column('image_path', sa.String(length=200), nullable=True),
    sa.Column('image_type', sa.String(length=40), nullable=True),
    sa.Column('error', sa.String(length=200), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_previews')),
    sa.UniqueConstraint('url_key', name=op.f('uq_link_previews_url_key'))
    )
    with op.batch_alter_table('link_previews', schema=None) as batch_op:
        batch_op.create_index('ix_link_previews_status_id', ['status', 'id'], unique=False)

    op.create_table('curator_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_curator_grants_granted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_curator_grants_revoked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_curator_grants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_curator_grants'))
    )
    with op.batch_alter_table('curator_grants', schema=None) as batch_op:
        batch_op.create_index('ix_curator_grants_user_id', ['user_id'], unique=False)
        batch_op.create_index('uq_curator_grants_active', ['user_id'], unique=True, sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))

    op.create_table('curated_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('curator_id', sa.Integer(), nullable=False),
    sa.Column('share_id', sa.String(length=32), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('url_key', sa.String(length=2000), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('preview_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['curator_id'], ['users.id'], name=op.f('fk_curated_links_curator_id_users')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_curated_links_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['preview_id'], ['link_previews.id'], name=op.f('fk_curated_links_preview_id_link_previews'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_curated_links')),
    sa.UniqueConstraint('post_id', name=op.f('uq_curated_links_post_id'))
    )
    with op.batch_alter_table('curated_links', schema=None) as batch_op:
        batch_op.create_index('ix_curated_links_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_curated_links_curator_id_id', ['curator_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_curated_links_preview_id'), ['preview_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_curated_links_share_id'), ['share_id'], unique=False)
        batch_op.create_index('ix_curated_links_url_key', ['url_key'], unique=False)

    op.create_table('link_clicks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['curated_links.id'], name=op.f('fk_link_clicks_link_id_curated_links'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_link_clicks_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_clicks'))
    )
    with op.batch_alter_table('link_clicks', schema=None) as batch_op:
        batch_op.create_index('ix_link_clicks_link_id_user_id', ['link_id', 'user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_link_clicks_user_id'), ['user_id'], unique=False)

    op.create_table('link_saves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['curated_links.id'], name=op.f('fk_link_saves_link_id_curated_links'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_link_saves_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_saves')),
    sa.UniqueConstraint('user_id', 'link_id', name='uq_link_saves_user_id_link_id')
    )
    with op.batch_alter_table('link_saves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_saves_link_id'), ['link_id'], unique=False)
        batch_op.create_index('ix_link_saves_user_id_id', ['user_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('link_saves', schema=None) as batch_op:
        batch_op.drop_index('ix_link_saves_user_id_id')
        batch_op.drop_index(batch_op.f('ix_link_saves_link_id'))

    op.drop_table('link_saves')
    with op.batch_alter_table('link_clicks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_clicks_user_id'))
        batch_op.drop_index('ix_link_clicks_link_id_user_id')

    op.drop_table('link_clicks')
    with op.batch_alter_table('curated_links', schema=None) as batch_op:
        batch_op.drop_index('ix_curated_links_url_key')
        batch_op.drop_index(batch_op.f('ix_curated_links_share_id'))
        batch_op.drop_index(batch_op.f('ix_curated_links_preview_id'))
        batch_op.drop_index('ix_curated_links_curator_id_id')
        batch_op.drop_index('ix_curated_links_created_at')

    op.drop_table('curated_links')
    with op.batch_alter_table('curator_grants', schema=None) as batch_op:
        batch_op.drop_index('uq_curator_grants_active', sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))
        batch_op.drop_index('ix_curator_grants_user_id')

    op.drop_table('curator_grants')
    with op.batch_alter_table('link_previews', schema=None) as batch_op:
        batch_op.drop_index('ix_link_previews_status_id')

    op.drop_table('link_previews')
