"""ticket indexes for the estimator's hot reads (waiting queue order, recent arrivals)

Revision ID: 0007_ticket_indexes
Revises: 0006_security
Create Date: 2026-12-01 10:55:00
"""

from __future__ import annotations

from alembic import op

revision = '0007_ticket_indexes'
down_revision = '0006_security'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Each issue reads the hall's waiting queue in call order and the last 30 minutes' arrivals.
    op.create_index('ix_tickets_waiting_order', 'tickets',
                    ['hall_id', 'status', 'queued_at', 'id'])
    op.create_index('ix_tickets_hall_issued', 'tickets', ['hall_id', 'issued_at'])


def downgrade() -> None:
    op.drop_index('ix_tickets_hall_issued', table_name='tickets')
    op.drop_index('ix_tickets_waiting_order', table_name='tickets')
