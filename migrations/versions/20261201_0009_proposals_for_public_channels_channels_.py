"""Proposals for public channels: channels, proposals, versions, endorsements, suggestions, weekly review, publishing webhook

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 08:15:55.354780
"""

from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# The channels a new organisation starts with, as they were when this migration was written
# (app/proposals/channels.py keeps the living copy; admins change them in the browser).
DEFAULT_CHANNELS = [
    ("x", "X (Twitter)", 280, "x_weighted",
     "Links count as 23 characters however long they are; emoji and Chinese, Japanese or Korean "
     "characters count as 2. Add alt text to every image. Replies can be quoted out of context."),
    ("facebook", "Facebook", 63206, "characters",
     "Only the first few lines show before \u201cSee more\u201d: put the point first. Local groups "
     "share our posts, so write for a neighbour, not a colleague."),
    ("instagram", "Instagram", 2200, "characters",
     "Links in captions can't be clicked; say \u201clink in bio\u201d. Needs an image or video, with alt "
     "text. The first 125 characters show before \u201cmore\u201d."),
    ("website", "Public website", None, "characters",
     "News and appeals on the force website. Plain English, a clear headline, the date and what "
     "we want people to do."),
    ("press-release", "Press release", None, "characters",
     "For journalists: headline, what happened, when and where, a quote from a named officer, and "
     "notes to editors. The press office issues it."),
]


def upgrade() -> None:
    op.create_table('proposal_channels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('char_limit', sa.Integer(), nullable=True),
    sa.Column('counting', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('archived_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_channels')),
    sa.UniqueConstraint('slug', name=op.f('uq_proposal_channels_slug'))
    )
    channels = sa.table(
        'proposal_channels',
        sa.column('slug', sa.String), sa.column('name', sa.String), sa.column('char_limit', sa.Integer),
        sa.column('counting', sa.String), sa.column('notes', sa.Text), sa.column('position', sa.Integer),
        sa.column('created_at', app.models.base.UTCDateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    op.bulk_insert(channels, [
        {'slug': slug, 'name': name, 'char_limit': limit, 'counting': counting, 'notes': notes,
         'position': position, 'created_at': now}
        for position, (slug, name, limit, counting, notes) in enumerate(DEFAULT_CHANNELS)
    ])
    op.create_table('proposal_review_digests',
    sa.Column('week', sa.String(length=10), nullable=False),
    sa.Column('proposal_count', sa.Integer(), nullable=False),
    sa.Column('recipient_count', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('week', name=op.f('pk_proposal_review_digests'))
    )
    op.create_table('webhook_endpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_webhook_endpoints_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoints'))
    )
    op.create_table('proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('proposer_id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('source_post_id', sa.Integer(), nullable=True),
    sa.Column('objective_id', sa.Integer(), nullable=True),
    sa.Column('draft', sa.Text(), nullable=False),
    sa.Column('has_image', sa.Boolean(), nullable=False),
    sa.Column('alt_text', sa.Text(), nullable=False),
    sa.Column('why', sa.Text(), nullable=False),
    sa.Column('reputation_worst', sa.Text(), nullable=False),
    sa.Column('reputation_record', sa.Text(), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('stage', sa.String(length=12), nullable=False),
    sa.Column('decline_reason', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('draft_version', sa.Integer(), nullable=False),
    sa.Column('signoff_by_id', sa.Integer(), nullable=True),
    sa.Column('signoff_version', sa.Integer(), nullable=True),
    sa.Column('signoff_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('scheduled_for', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('public_url', sa.String(length=500), nullable=False),
    sa.Column('reach', sa.BigInteger(), nullable=True),
    sa.Column('engagements', sa.BigInteger(), nullable=True),
    sa.Column('results_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('stage_changed_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['proposal_channels.id'], name=op.f('fk_proposals_channel_id_proposal_channels')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_proposals_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['objective_id'], ['objectives.id'], name=op.f('fk_proposals_objective_id_objectives'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_proposals_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposer_id'], ['users.id'], name=op.f('fk_proposals_proposer_id_users')),
    sa.ForeignKeyConstraint(['signoff_by_id'], ['users.id'], name=op.f('fk_proposals_signoff_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_post_id'], ['posts.id'], name=op.f('fk_proposals_source_post_id_posts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals')),
    sa.UniqueConstraint('post_id', name=op.f('uq_proposals_post_id'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposals_channel_id'), ['channel_id'], unique=False)
        batch_op.create_index('ix_proposals_community_stage', ['community_id', 'stage', 'id'], unique=False)
        batch_op.create_index('ix_proposals_objective_published', ['objective_id', 'published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_proposer_id'), ['proposer_id'], unique=False)
        batch_op.create_index('ix_proposals_published_at', ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_source_post_id'), ['source_post_id'], unique=False)
        batch_op.create_index('ix_proposals_stage_id', ['stage', 'id'], unique=False)

    op.create_table('proposal_endorsements',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_endorsements_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_proposal_endorsements_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', 'user_id', name=op.f('pk_proposal_endorsements'))
    )
    with op.batch_alter_table('proposal_endorsements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_endorsements_user_id'), ['user_id'], unique=False)

    op.create_table('proposal_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('original', sa.Text(), nullable=False),
    sa.Column('replacement', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_proposal_suggestions_author_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_proposal_suggestions_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_suggestions_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_suggestions'))
    )
    with op.batch_alter_table('proposal_suggestions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_suggestions_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_proposal_suggestions_proposal_status', ['proposal_id', 'status', 'id'], unique=False)

    op.create_table('proposal_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.String(length=200), nullable=False),
    sa.Column('changed', sa.JSON(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_proposal_versions_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_versions_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_versions')),
    sa.UniqueConstraint('proposal_id', 'number', name='uq_proposal_versions_number')
    )
    op.create_table('webhook_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_webhook_deliveries_proposal_id_proposals'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries'))
    )
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_deliveries_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_deliveries_proposal_id'), ['proposal_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_deliveries_proposal_id'))
        batch_op.drop_index('ix_webhook_deliveries_due')

    op.drop_table('webhook_deliveries')
    op.drop_table('proposal_versions')
    with op.batch_alter_table('proposal_suggestions', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_suggestions_proposal_status')
        batch_op.drop_index(batch_op.f('ix_proposal_suggestions_author_id'))

    op.drop_table('proposal_suggestions')
    with op.batch_alter_table('proposal_endorsements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_endorsements_user_id'))

    op.drop_table('proposal_endorsements')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index('ix_proposals_stage_id')
        batch_op.drop_index(batch_op.f('ix_proposals_source_post_id'))
        batch_op.drop_index('ix_proposals_published_at')
        batch_op.drop_index(batch_op.f('ix_proposals_proposer_id'))
        batch_op.drop_index('ix_proposals_objective_published')
        batch_op.drop_index('ix_proposals_community_stage')
        batch_op.drop_index(batch_op.f('ix_proposals_channel_id'))

    op.drop_table('proposals')
    op.drop_table('webhook_endpoints')
    op.drop_table('proposal_review_digests')
    op.drop_table('proposal_channels')
