"""security: citizen links of appointments and materials may be purged (retention)

Revision ID: 0006_security
Revises: 0005_online
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006_security'
down_revision = '0005_online'
branch_labels = ('security',)
depends_on = None


def upgrade() -> None:
    # Retention clears the link from old visits to the citizen's account: allow NULL.
    for table in ('appointments', 'materials'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('citizen_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    for table in ('materials', 'appointments'):
        op.execute(sa.text(f"DELETE FROM {table} WHERE citizen_id IS NULL"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('citizen_id', existing_type=sa.Integer(), nullable=False)
