"""offer ranks: each offer keeps the engine's rank within its round

Revision ID: 0017_offer_ranks
Revises: 0016_quote_results
Create Date: 2026-12-04

A round's offers share ``created_at`` and their ids are random, so ordering by
(created_at, id) returned them in no particular order: the buyer saw the engine's
first choice anywhere in the list. Offers written before this migration keep rank 0 and
the old order among themselves.
"""
from alembic import op
import sqlalchemy as sa


revision = '0017_offer_ranks'
down_revision = '0016_quote_results'
branch_labels = None
depends_on = None

_TABLES = ('counteroffer_offers', 'counteroffer_quote_offers')


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('rank', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column('rank')
