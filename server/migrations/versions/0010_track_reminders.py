"""track_reminders: opt-in SMS from the tracking page when N people are ahead

Revision ID: 0010_track_reminders
Revises: 0009_applications
Create Date: 2026-12-03 13:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.core.db

revision = '0010_track_reminders'
down_revision = '0009_applications'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'track_reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('hall_id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('ahead', sa.Integer(), nullable=False),
        sa.Column('client', sa.String(length=64), nullable=False),
        sa.Column('created_at', server.core.db.UTCDateTime(), nullable=False),
        sa.Column('notified_at', server.core.db.UTCDateTime(), nullable=True),
        sa.Column('ended_at', server.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['hall_id'], ['halls.id'],
                                name=op.f('fk_track_reminders_hall_id_halls'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name=op.f('fk_track_reminders_ticket_id_tickets'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_track_reminders')),
        sa.UniqueConstraint('ticket_id', name=op.f('uq_track_reminders_ticket_id')),
    )
    op.create_index('ix_track_reminders_pending', 'track_reminders',
                    ['hall_id', 'notified_at', 'ended_at'])
    op.create_index('ix_track_reminders_client', 'track_reminders', ['client', 'created_at'])
    op.create_index('ix_track_reminders_phone', 'track_reminders', ['phone', 'created_at'])


def downgrade() -> None:
    op.drop_index('ix_track_reminders_phone', table_name='track_reminders')
    op.drop_index('ix_track_reminders_client', table_name='track_reminders')
    op.drop_index('ix_track_reminders_pending', table_name='track_reminders')
    op.drop_table('track_reminders')
