"""一事一评: evaluations and follow-up cases may name an application instead of a ticket

Revision ID: 0011_application_ratings
Revises: 0010_track_reminders
Create Date: 2026-12-03 13:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011_application_ratings'
down_revision = '0010_track_reminders'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.alter_column('ticket_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('application_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_evaluations_application_id'),
                                          ['application_id'])
        batch_op.create_foreign_key(batch_op.f('fk_evaluations_application_id_applications'),
                                    'applications', ['application_id'], ['id'],
                                    ondelete='CASCADE')

    with op.batch_alter_table('followup_cases', schema=None) as batch_op:
        batch_op.alter_column('ticket_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('application_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    # Application ratings (and their cases) have no ticket: they cannot exist before this.
    op.execute("DELETE FROM followup_cases WHERE ticket_id IS NULL")
    op.execute("DELETE FROM evaluations WHERE ticket_id IS NULL")
    with op.batch_alter_table('followup_cases', schema=None) as batch_op:
        batch_op.drop_column('application_id')
        batch_op.alter_column('ticket_id', existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_evaluations_application_id_applications'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_evaluations_application_id'), type_='unique')
        batch_op.drop_column('application_id')
        batch_op.alter_column('ticket_id', existing_type=sa.Integer(), nullable=False)
