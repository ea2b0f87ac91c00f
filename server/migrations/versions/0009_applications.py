"""applications (办件): per-department reviews, timeline, licence store; staff.department

Revision ID: 0009_applications
Revises: 0008_login_failures
Create Date: 2026-12-03 11:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.core.db

revision = '0009_applications'
down_revision = '0008_login_failures'
branch_labels = ('applications',)
depends_on = None


def upgrade() -> None:
    op.create_table('licences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('licence_type', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('licence_no', sa.String(length=64), nullable=False),
    sa.Column('issuer', sa.String(length=100), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('created_at', server.core.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_licences')),
    sa.UniqueConstraint('id_hash', 'licence_type', name=op.f('uq_licences_id_hash_licence_type'))
    )
    with op.batch_alter_table('licences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_licences_id_hash'), ['id_hash'], unique=False)

    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('receipt_no', sa.String(length=32), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('citizen_id', sa.Integer(), nullable=True),
    sa.Column('id_hash', sa.String(length=64), nullable=True),
    sa.Column('id_masked', sa.String(length=32), nullable=True),
    sa.Column('name_masked', sa.String(length=64), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('delivery', sa.String(length=16), nullable=False),
    sa.Column('mail_address', sa.String(length=300), nullable=False),
    sa.Column('mail_tracking_no', sa.String(length=64), nullable=False),
    sa.Column('materials', sa.JSON(), nullable=False),
    sa.Column('accepted_at', server.core.db.UTCDateTime(), nullable=False),
    sa.Column('accepted_by', sa.Integer(), nullable=True),
    sa.Column('accepted_day', sa.Date(), nullable=False),
    sa.Column('promised_days', sa.Integer(), nullable=False),
    sa.Column('legal_days', sa.Integer(), nullable=False),
    sa.Column('paused_days', sa.Integer(), nullable=False),
    sa.Column('promised_due', sa.Date(), nullable=False),
    sa.Column('legal_due', sa.Date(), nullable=False),
    sa.Column('paused_since', sa.Date(), nullable=True),
    sa.Column('correction_deadline', sa.Date(), nullable=True),
    sa.Column('correction_note', sa.Text(), nullable=False),
    sa.Column('decided_at', server.core.db.UTCDateTime(), nullable=True),
    sa.Column('decided_day', sa.Date(), nullable=True),
    sa.Column('finished_at', server.core.db.UTCDateTime(), nullable=True),
    sa.Column('pickup_ticket_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['hall_id'], ['halls.id'], name=op.f('fk_applications_hall_id_halls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service_items.id'], name=op.f('fk_applications_service_id_service_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('receipt_no', name=op.f('uq_applications_receipt_no'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_citizen_id'), ['citizen_id'], unique=False)
        batch_op.create_index('ix_applications_hall_status', ['hall_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_id_hash'), ['id_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('application_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('decided_at', server.core.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_reviews_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_reviews')),
    sa.UniqueConstraint('application_id', 'department', name=op.f('uq_application_reviews_application_id_department'))
    )
    with op.batch_alter_table('application_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_reviews_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_application_reviews_dept', ['department', 'status'], unique=False)

    op.create_table('application_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('at', server.core.db.UTCDateTime(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_steps_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_steps'))
    )
    with op.batch_alter_table('application_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_steps_application_id'), ['application_id'], unique=False)

    with op.batch_alter_table('staff', schema=None) as batch_op:
        # Existing accounts belong to no department (only reviewers need one).
        batch_op.add_column(sa.Column('department', sa.String(length=100), nullable=False,
                                      server_default=''))



def downgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('department')

    with op.batch_alter_table('application_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_steps_application_id'))

    op.drop_table('application_steps')
    with op.batch_alter_table('application_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_application_reviews_dept')
        batch_op.drop_index(batch_op.f('ix_application_reviews_application_id'))

    op.drop_table('application_reviews')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_applications_id_hash'))
        batch_op.drop_index('ix_applications_hall_status')
        batch_op.drop_index(batch_op.f('ix_applications_citizen_id'))
        batch_op.drop_index(batch_op.f('ix_applications_appointment_id'))

    op.drop_table('applications')
    with op.batch_alter_table('licences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_licences_id_hash'))

    op.drop_table('licences')
