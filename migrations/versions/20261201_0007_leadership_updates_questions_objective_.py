"""Leadership updates, questions, objective targets, insights roll-ups and HR establishment

Revision ID: 0007
Revises: 0009
Create Date: 2026-12-01 08:45:40.065258
"""

from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '0007'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rollup_state',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_rollup_state'))
    )
    op.create_table('establishment',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('staff_type', sa.String(length=20), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('imported_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_establishment_imported_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_establishment_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('unit_id', 'staff_type', name=op.f('pk_establishment'))
    )
    op.create_table('person_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('posts', sa.Integer(), nullable=False),
    sa.Column('replies', sa.Integer(), nullable=False),
    sa.Column('reactions', sa.Integer(), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_person_days_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'user_id', name=op.f('pk_person_days'))
    )
    with op.batch_alter_table('person_days', schema=None) as batch_op:
        batch_op.create_index('ix_person_days_user', ['user_id', 'day'], unique=False)

    op.create_table('person_weeks',
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('posts', sa.Integer(), nullable=False),
    sa.Column('replies', sa.Integer(), nullable=False),
    sa.Column('reactions', sa.Integer(), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_person_weeks_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('week', 'user_id', name=op.f('pk_person_weeks'))
    )
    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('asker_id', sa.Integer(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('render_version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answer_source', sa.Text(), nullable=True),
    sa.Column('answer_html', sa.Text(), nullable=True),
    sa.Column('answered_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['asker_id'], ['users.id'], name=op.f('fk_questions_asker_id_users')),
    sa.ForeignKeyConstraint(['leader_id'], ['users.id'], name=op.f('fk_questions_leader_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions'))
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questions_asker_id'), ['asker_id'], unique=False)
        batch_op.create_index('ix_questions_leader_id', ['leader_id', 'id'], unique=False)
        batch_op.create_index('ix_questions_status_id', ['status', 'id'], unique=False)

    op.create_table('objective_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('replies', sa.Integer(), nullable=False),
    sa.Column('reactions', sa.Integer(), nullable=False),
    sa.Column('viewers', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['objective_id'], ['objectives.id'], name=op.f('fk_objective_days_objective_id_objectives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'objective_id', name=op.f('pk_objective_days'))
    )
    with op.batch_alter_table('objective_days', schema=None) as batch_op:
        batch_op.create_index('ix_objective_days_objective', ['objective_id', 'day'], unique=False)

    op.create_table('objective_targets',
    sa.Column('objective_id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=20), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['objective_id'], ['objectives.id'], name=op.f('fk_objective_targets_objective_id_objectives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('objective_id', 'metric', name=op.f('pk_objective_targets'))
    )
    op.create_table('objective_viewers',
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['objective_id'], ['objectives.id'], name=op.f('fk_objective_viewers_objective_id_objectives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_objective_viewers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('week', 'objective_id', 'user_id', name=op.f('pk_objective_viewers'))
    )
    with op.batch_alter_table('objective_viewers', schema=None) as batch_op:
        batch_op.create_index('ix_objective_viewers_objective', ['objective_id', 'week', 'user_id'], unique=False)

    op.create_table('question_votes',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_votes_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_question_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', 'user_id', name=op.f('pk_question_votes'))
    )
    op.create_table('community_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('posts', sa.Integer(), nullable=False),
    sa.Column('replies', sa.Integer(), nullable=False),
    sa.Column('reactions', sa.Integer(), nullable=False),
    sa.Column('active_people', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_community_days_community_id_communities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'community_id', name=op.f('pk_community_days'))
    )
    with op.batch_alter_table('community_days', schema=None) as batch_op:
        batch_op.create_index('ix_community_days_community', ['community_id', 'day'], unique=False)

    op.create_table('contribution_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('posts', sa.Integer(), nullable=False),
    sa.Column('replies', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_contribution_days_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_contribution_days_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'community_id', 'user_id', name=op.f('pk_contribution_days'))
    )
    op.create_table('milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('objective_id', sa.Integer(), nullable=True),
    sa.Column('metric', sa.String(length=20), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('reached_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_milestones_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['objective_id'], ['objectives.id'], name=op.f('fk_milestones_objective_id_objectives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_milestones_post_id_posts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestones')),
    sa.UniqueConstraint('key', name=op.f('uq_milestones_key'))
    )
    op.create_table('post_view_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('viewers', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_view_days_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'post_id', name=op.f('pk_post_view_days'))
    )
    with op.batch_alter_table('post_view_days', schema=None) as batch_op:
        batch_op.create_index('ix_post_view_days_post', ['post_id', 'day'], unique=False)

    op.create_table('post_views',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_views_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_post_views_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'post_id', 'user_id', name=op.f('pk_post_views'))
    )
    op.create_table('updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('posted_by_id', sa.Integer(), nullable=True),
    sa.Column('everyone', sa.Boolean(), nullable=False),
    sa.Column('ack_required', sa.Boolean(), nullable=False),
    sa.Column('reminded_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['leader_id'], ['users.id'], name=op.f('fk_updates_leader_id_users')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_updates_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['posted_by_id'], ['users.id'], name=op.f('fk_updates_posted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_updates')),
    sa.UniqueConstraint('post_id', name=op.f('uq_updates_post_id'))
    )
    with op.batch_alter_table('updates', schema=None) as batch_op:
        batch_op.create_index('ix_updates_leader_id', ['leader_id', 'id'], unique=False)

    op.create_table('update_communities',
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_update_communities_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['update_id'], ['updates.id'], name=op.f('fk_update_communities_update_id_updates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('update_id', 'community_id', name=op.f('pk_update_communities'))
    )
    with op.batch_alter_table('update_communities', schema=None) as batch_op:
        batch_op.create_index('ix_update_communities_community', ['community_id', 'update_id'], unique=False)

    op.create_table('update_receipts',
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('seen_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminder_emailed_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['update_id'], ['updates.id'], name=op.f('fk_update_receipts_update_id_updates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_update_receipts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('update_id', 'user_id', name=op.f('pk_update_receipts'))
    )
    with op.batch_alter_table('update_receipts', schema=None) as batch_op:
        batch_op.create_index('ix_update_receipts_user', ['user_id', 'acknowledged_at'], unique=False)

    op.create_table('update_units',
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_update_units_unit_id_units'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['update_id'], ['updates.id'], name=op.f('fk_update_units_update_id_updates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('update_id', 'unit_id', name=op.f('pk_update_units'))
    )
    with op.batch_alter_table('update_units', schema=None) as batch_op:
        batch_op.create_index('ix_update_units_unit', ['unit_id', 'update_id'], unique=False)

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_created_at', ['created_at'], unique=False)

    with op.batch_alter_table('reactions', schema=None) as batch_op:
        batch_op.create_index('ix_reactions_created_at', ['created_at'], unique=False)

    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.create_index('ix_replies_created_at', ['created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.drop_index('ix_replies_created_at')

    with op.batch_alter_table('reactions', schema=None) as batch_op:
        batch_op.drop_index('ix_reactions_created_at')

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_created_at')

    with op.batch_alter_table('update_units', schema=None) as batch_op:
        batch_op.drop_index('ix_update_units_unit')

    op.drop_table('update_units')
    with op.batch_alter_table('update_receipts', schema=None) as batch_op:
        batch_op.drop_index('ix_update_receipts_user')

    op.drop_table('update_receipts')
    with op.batch_alter_table('update_communities', schema=None) as batch_op:
        batch_op.drop_index('ix_update_communities_community')

    op.drop_table('update_communities')
    with op.batch_alter_table('updates', schema=None) as batch_op:
        batch_op.drop_index('ix_updates_leader_id')

    op.drop_table('updates')
    op.drop_table('post_views')
    with op.batch_alter_table('post_view_days', schema=None) as batch_op:
        batch_op.drop_index('ix_post_view_days_post')

    op.drop_table('post_view_days')
    op.drop_table('milestones')
    op.drop_table('contribution_days')
    with op.batch_alter_table('community_days', schema=None) as batch_op:
        batch_op.drop_index('ix_community_days_community')

    op.drop_table('community_days')
    op.drop_table('question_votes')
    with op.batch_alter_table('objective_viewers', schema=None) as batch_op:
        batch_op.drop_index('ix_objective_viewers_objective')

    op.drop_table('objective_viewers')
    op.drop_table('objective_targets')
    with op.batch_alter_table('objective_days', schema=None) as batch_op:
        batch_op.drop_index('ix_objective_days_objective')

    op.drop_table('objective_days')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index('ix_questions_status_id')
        batch_op.drop_index('ix_questions_leader_id')
        batch_op.drop_index(batch_op.f('ix_questions_asker_id'))

    op.drop_table('questions')
    op.drop_table('person_weeks')
    with op.batch_alter_table('person_days', schema=None) as batch_op:
        batch_op.drop_index('ix_person_days_user')

    op.drop_table('person_days')
    op.drop_table('establishment')
    op.drop_table('rollup_state')
