"""quote replay (issue 15): what applied to the buyer when each quote round was asked

Revision ID: 0020_quote_replay
Revises: 0019_quote_citations
Create Date: 2026-12-04

``counteroffer_quote_bids.buyer_context`` keeps the company's segment and, per SKU, the
last price it had paid, as the engine saw them that round: the what-if simulation
replays the round with these, not today's. NULL on rounds asked before this migration
(the simulation then falls back to today's segment and no last price).
"""
from alembic import op
import sqlalchemy as sa


revision = '0020_quote_replay'
down_revision = '0019_quote_citations'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('counteroffer_quote_bids') as batch:
        batch.add_column(sa.Column('buyer_context', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('counteroffer_quote_bids') as batch:
        batch.drop_column('buyer_context')
