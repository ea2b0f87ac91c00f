"""办件 pickup time slots: the 窗口取件 slot a citizen chose

Revision ID: 0012_pickup_slots
Revises: 0011_application_ratings
Create Date: 2026-12-03 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.core.db

revision = '0012_pickup_slots'
down_revision = '0011_application_ratings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pickup_slot_start', server.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('pickup_slot_end', server.core.db.UTCDateTime(), nullable=True))
        batch_op.create_index('ix_applications_pickup_slot', ['hall_id', 'pickup_slot_start'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_pickup_slot')
        batch_op.drop_column('pickup_slot_end')
        batch_op.drop_column('pickup_slot_start')
