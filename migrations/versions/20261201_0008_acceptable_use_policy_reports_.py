"""Acceptable-use policy, reports, moderation queue, decisions, appeals, strikes, pre-moderation

The first policy version is not seeded here: an organisation publishes its own (the admin page
starts from a suggested text), and `flask demo seed` publishes the demo force's.

Revision ID: 0008
Revises: 0012
Create Date: 2026-12-01 08:07:56.704803
"""

from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '0008'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('explanation_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clause_key', sa.String(length=40), nullable=True),
    sa.Column('intent', sa.String(length=16), nullable=True),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('archived_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_explanation_templates_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_explanation_templates'))
    )
    with op.batch_alter_table('explanation_templates', schema=None) as batch_op:
        batch_op.create_index('ix_explanation_templates_clause_key', ['clause_key'], unique=False)

    op.create_table('policy_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('published_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_policy_versions_published_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_versions')),
    sa.UniqueConstraint('number', name=op.f('uq_policy_versions_number'))
    )
    op.create_table('watched_words',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('word', sa.String(length=60), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_watched_words_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_watched_words')),
    sa.UniqueConstraint('word', name=op.f('uq_watched_words_word'))
    )
    op.create_table('policy_acceptances',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('accepted_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_policy_acceptances_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['policy_versions.id'], name=op.f('fk_policy_acceptances_version_id_policy_versions')),
    sa.PrimaryKeyConstraint('user_id', 'version_id', name=op.f('pk_policy_acceptances'))
    )
    with op.batch_alter_table('policy_acceptances', schema=None) as batch_op:
        batch_op.create_index('ix_policy_acceptances_version_accepted', ['version_id', 'accepted_at'], unique=False)

    op.create_table('policy_clauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('severity', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['policy_versions.id'], name=op.f('fk_policy_clauses_version_id_policy_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_clauses')),
    sa.UniqueConstraint('version_id', 'key', name='uq_policy_clauses_version_key'),
    sa.UniqueConstraint('version_id', 'position', name='uq_policy_clauses_version_position')
    )
    op.create_table('moderation_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.String(length=10), nullable=False),
    sa.Column('target_key', sa.String(length=30), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('reply_id', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('hold_reason', sa.String(length=300), nullable=False),
    sa.Column('severity', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('claimed_by_id', sa.Integer(), nullable=True),
    sa.Column('claimed_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_moderation_cases_author_id_users')),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['users.id'], name=op.f('fk_moderation_cases_claimed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_moderation_cases_community_id_communities')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_moderation_cases_post_id_posts')),
    sa.ForeignKeyConstraint(['reply_id'], ['replies.id'], name=op.f('fk_moderation_cases_reply_id_replies')),
    sa.ForeignKeyConstraint(['subject_id'], ['users.id'], name=op.f('fk_moderation_cases_subject_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_cases'))
    )
    with op.batch_alter_table('moderation_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_cases_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_cases_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_cases_post_id'), ['post_id'], unique=False)
        batch_op.create_index('ix_moderation_cases_queue', ['status', 'severity', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_cases_reply_id'), ['reply_id'], unique=False)
        batch_op.create_index('ix_moderation_cases_target_key', ['target_key'], unique=False)
        batch_op.create_index('uq_moderation_cases_open_target', ['target_key'], unique=True, sqlite_where=sa.text("status != 'decided'"), postgresql_where=sa.text("status != 'decided'"))

    op.create_table('moderation_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('moderator_id', sa.Integer(), nullable=False),
    sa.Column('intent', sa.String(length=16), nullable=False),
    sa.Column('clause_id', sa.Integer(), nullable=True),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('previous_status', sa.String(length=10), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['moderation_cases.id'], name=op.f('fk_moderation_decisions_case_id_moderation_cases')),
    sa.ForeignKeyConstraint(['clause_id'], ['policy_clauses.id'], name=op.f('fk_moderation_decisions_clause_id_policy_clauses')),
    sa.ForeignKeyConstraint(['moderator_id'], ['users.id'], name=op.f('fk_moderation_decisions_moderator_id_users')),
    sa.ForeignKeyConstraint(['template_id'], ['explanation_templates.id'], name=op.f('fk_moderation_decisions_template_id_explanation_templates'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_decisions'))
    )
    with op.batch_alter_table('moderation_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_decisions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_decisions_moderator_id'), ['moderator_id'], unique=False)

    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('target_key', sa.String(length=30), nullable=False),
    sa.Column('clause_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['moderation_cases.id'], name=op.f('fk_reports_case_id_moderation_cases')),
    sa.ForeignKeyConstraint(['clause_id'], ['policy_clauses.id'], name=op.f('fk_reports_clause_id_policy_clauses')),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_reports_reporter_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('reporter_id', 'target_key', name='uq_reports_reporter_target')
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_clause_id'), ['clause_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_reporter_id'), ['reporter_id'], unique=False)

    op.create_table('moderation_appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_moderation_appeals_author_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_moderation_appeals_decided_by_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['moderation_decisions.id'], name=op.f('fk_moderation_appeals_decision_id_moderation_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_appeals')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_moderation_appeals_decision_id'))
    )
    with op.batch_alter_table('moderation_appeals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_appeals_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_moderation_appeals_status_id', ['status', 'id'], unique=False)

    op.create_table('posting_restrictions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('lifted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_posting_restrictions_created_by_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['moderation_decisions.id'], name=op.f('fk_posting_restrictions_decision_id_moderation_decisions')),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['users.id'], name=op.f('fk_posting_restrictions_lifted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_posting_restrictions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posting_restrictions'))
    )
    with op.batch_alter_table('posting_restrictions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posting_restrictions_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index('ix_posting_restrictions_user_ends', ['user_id', 'ends_at'], unique=False)

    op.create_table('strikes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('voided_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['decision_id'], ['moderation_decisions.id'], name=op.f('fk_strikes_decision_id_moderation_decisions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_strikes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strikes')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_strikes_decision_id'))
    )
    with op.batch_alter_table('strikes', schema=None) as batch_op:
        batch_op.create_index('ix_strikes_user_created', ['user_id', 'created_at'], unique=False)

    with op.batch_alter_table('communities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('premoderated', sa.Boolean(), server_default=sa.text('(false)'), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('communities', schema=None) as batch_op:
        batch_op.drop_column('premoderated')

    with op.batch_alter_table('strikes', schema=None) as batch_op:
        batch_op.drop_index('ix_strikes_user_created')

    op.drop_table('strikes')
    with op.batch_alter_table('posting_restrictions', schema=None) as batch_op:
        batch_op.drop_index('ix_posting_restrictions_user_ends')
        batch_op.drop_index(batch_op.f('ix_posting_restrictions_decision_id'))

    op.drop_table('posting_restrictions')
    with op.batch_alter_table('moderation_appeals', schema=None) as batch_op:
        batch_op.drop_index('ix_moderation_appeals_status_id')
        batch_op.drop_index(batch_op.f('ix_moderation_appeals_author_id'))

    op.drop_table('moderation_appeals')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_reports_clause_id'))
        batch_op.drop_index(batch_op.f('ix_reports_case_id'))

    op.drop_table('reports')
    with op.batch_alter_table('moderation_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_decisions_moderator_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_decisions_case_id'))

    op.drop_table('moderation_decisions')
    with op.batch_alter_table('moderation_cases', schema=None) as batch_op:
        batch_op.drop_index('uq_moderation_cases_open_target', sqlite_where=sa.text("status != 'decided'"), postgresql_where=sa.text("status != 'decided'"))
        batch_op.drop_index('ix_moderation_cases_target_key')
        batch_op.drop_index(batch_op.f('ix_moderation_cases_reply_id'))
        batch_op.drop_index('ix_moderation_cases_queue')
        batch_op.drop_index(batch_op.f('ix_moderation_cases_post_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_cases_community_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_cases_author_id'))

    op.drop_table('moderation_cases')
    op.drop_table('policy_clauses')
    with op.batch_alter_table('policy_acceptances', schema=None) as batch_op:
        batch_op.drop_index('ix_policy_acceptances_version_accepted')

    op.drop_table('policy_acceptances')
    op.drop_table('watched_words')
    op.drop_table('policy_versions')
    with op.batch_alter_table('explanation_templates', schema=None) as batch_op:
        batch_op.drop_index('ix_explanation_templates_clause_key')

    op.drop_table('explanation_templates')
