"""Lunch-and-learn sessions: RSVPs and waiting list, materials, live Q&A, feedback, reminders, calendar feeds

Revision ID: 0006
Revises: 0011
Create Date: 2026-12-01 07:58:10.648243
"""

from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '0006'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_tokens',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_calendar_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_tokens_token_hash'))
    )
    op.create_table('session_host_grants',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_session_host_grants_granted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_session_host_grants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_session_host_grants'))
    )
    op.create_table('learning_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('starts_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('video_url', sa.String(length=500), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('going_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('sequence', sa.Integer(), server_default='0', nullable=False),
    sa.Column('qa_opened_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('qa_closed_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity IS NULL OR going_count <= capacity', name=op.f('ck_learning_sessions_within_capacity')),
    sa.CheckConstraint('going_count >= 0', name=op.f('ck_learning_sessions_going_count_not_negative')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_learning_sessions_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organiser_id'], ['users.id'], name=op.f('fk_learning_sessions_organiser_id_users')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_learning_sessions_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_sessions')),
    sa.UniqueConstraint('post_id', name=op.f('uq_learning_sessions_post_id'))
    )
    with op.batch_alter_table('learning_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_learning_sessions_community_starts', ['community_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_sessions_organiser_id'), ['organiser_id'], unique=False)
        batch_op.create_index('ix_learning_sessions_starts_at_id', ['starts_at', 'id'], unique=False)

    op.create_table('session_feedback',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('apply_text', sa.String(length=500), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_session_feedback_rating_range')),
    sa.ForeignKeyConstraint(['session_id'], ['learning_sessions.id'], name=op.f('fk_session_feedback_session_id_learning_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_session_feedback_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'user_id', name=op.f('pk_session_feedback'))
    )
    op.create_table('session_hosts',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['learning_sessions.id'], name=op.f('fk_session_hosts_session_id_learning_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_session_hosts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'user_id', name=op.f('pk_session_hosts'))
    )
    with op.batch_alter_table('session_hosts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_hosts_user_id'), ['user_id'], unique=False)

    op.create_table('session_materials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('file_key', sa.String(length=64), nullable=True),
    sa.Column('file_name', sa.String(length=160), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_session_materials_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['learning_sessions.id'], name=op.f('fk_session_materials_session_id_learning_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_materials')),
    sa.UniqueConstraint('file_key', name=op.f('uq_session_materials_file_key'))
    )
    with op.batch_alter_table('session_materials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_materials_session_id'), ['session_id'], unique=False)

    op.create_table('session_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('render_version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('vote_count', sa.Integer(), nullable=False),
    sa.Column('answered_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_session_questions_answered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_session_questions_author_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['learning_sessions.id'], name=op.f('fk_session_questions_session_id_learning_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_questions'))
    )
    with op.batch_alter_table('session_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_questions_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_session_questions_session_id', ['session_id', 'id'], unique=False)

    op.create_table('session_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('starts_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['learning_sessions.id'], name=op.f('fk_session_reminders_session_id_learning_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_session_reminders_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_reminders')),
    sa.UniqueConstraint('session_id', 'user_id', 'kind', 'starts_at', name='uq_session_reminders_once')
    )
    with op.batch_alter_table('session_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_reminders_user_id'), ['user_id'], unique=False)

    op.create_table('session_rsvps',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('waitlisted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['learning_sessions.id'], name=op.f('fk_session_rsvps_session_id_learning_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_session_rsvps_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'user_id', name=op.f('pk_session_rsvps'))
    )
    with op.batch_alter_table('session_rsvps', schema=None) as batch_op:
        batch_op.create_index('ix_session_rsvps_session_status', ['session_id', 'status', 'waitlisted_at'], unique=False)
        batch_op.create_index('ix_session_rsvps_user_status', ['user_id', 'status'], unique=False)

    op.create_table('session_question_votes',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['session_questions.id'], name=op.f('fk_session_question_votes_question_id_session_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_session_question_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', 'user_id', name=op.f('pk_session_question_votes'))
    )


def downgrade() -> None:
    op.drop_table('session_question_votes')
    with op.batch_alter_table('session_rsvps', schema=None) as batch_op:
        batch_op.drop_index('ix_session_rsvps_user_status')
        batch_op.drop_index('ix_session_rsvps_session_status')

    op.drop_table('session_rsvps')
    with op.batch_alter_table('session_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_reminders_user_id'))

    op.drop_table('session_reminders')
    with op.batch_alter_table('session_questions', schema=None) as batch_op:
        batch_op.drop_index('ix_session_questions_session_id')
        batch_op.drop_index(batch_op.f('ix_session_questions_author_id'))

    op.drop_table('session_questions')
    with op.batch_alter_table('session_materials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_materials_session_id'))

    op.drop_table('session_materials')
    with op.batch_alter_table('session_hosts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_hosts_user_id'))

    op.drop_table('session_hosts')
    op.drop_table('session_feedback')
    with op.batch_alter_table('learning_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_learning_sessions_starts_at_id')
        batch_op.drop_index(batch_op.f('ix_learning_sessions_organiser_id'))
        batch_op.drop_index('ix_learning_sessions_community_starts')

    op.drop_table('learning_sessions')
    op.drop_table('session_host_grants')
    op.drop_table('calendar_tokens')
