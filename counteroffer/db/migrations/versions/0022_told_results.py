"""told results: indexes for what pricing managers learn (issue 16, item 5)

Revision ID: 0022_told_results
Revises: 0021_quote_reminders
Create Date: 2026-12-04

The results' citations of a period start from ``counteroffer_told.created_at``; the lost
reasons of a period from the negotiations with a reason, a partial index on
``created_at`` holding only those (few) rows. Without them both read whole tables.
"""
from alembic import op
import sqlalchemy as sa


revision = '0022_told_results'
down_revision = '0021_quote_reminders'
branch_labels = None
depends_on = None

_LOST = sa.text('lost_reason IS NOT NULL')


def upgrade() -> None:
    with op.batch_alter_table('counteroffer_told') as batch_op:
        batch_op.create_index(batch_op.f('ix_counteroffer_told_created_at'), ['created_at'], unique=False)
    op.create_index('ix_counteroffer_negotiations_lost', 'counteroffer_negotiations', ['created_at'],
                    unique=False, postgresql_where=_LOST, sqlite_where=_LOST)


def downgrade() -> None:
    op.drop_index('ix_counteroffer_negotiations_lost', table_name='counteroffer_negotiations')
    with op.batch_alter_table('counteroffer_told') as batch_op:
        batch_op.drop_index(batch_op.f('ix_counteroffer_told_created_at'))
