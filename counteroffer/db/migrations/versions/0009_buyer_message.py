"""a decision's message to the buyer, apart from its internal rationale (issue 22)

Revision ID: 0009_buyer_message
Revises: 0008_worker_beats
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_buyer_message'
down_revision = '0008_worker_beats'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('counteroffer_escalations') as batch:
        batch.add_column(sa.Column('decision_buyer_message', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('counteroffer_escalations') as batch:
        batch.drop_column('decision_buyer_message')
