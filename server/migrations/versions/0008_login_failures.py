"""login failures per submitted username (known or not), replacing the staff lock columns

Revision ID: 0008_login_failures
Revises: 0007_ticket_indexes
Create Date: 2026-12-01 11:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.core.db

revision = '0008_login_failures'
down_revision = '0007_ticket_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Lockout is counted per submitted name so unknown and real usernames behave alike.
    op.create_table(
        'login_failures',
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failed_at', server.core.db.UTCDateTime(), nullable=False),
        sa.Column('locked_until', server.core.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('username', name=op.f('pk_login_failures')),
    )
    op.create_index(op.f('ix_login_failures_last_failed_at'), 'login_failures',
                    ['last_failed_at'])
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('locked_until', server.core.db.UTCDateTime(),
                                      nullable=True))
    op.drop_index(op.f('ix_login_failures_last_failed_at'), table_name='login_failures')
    op.drop_table('login_failures')
