"""deals looked up by the host's order reference (issue 26): deals_for_order, release_order

Revision ID: 0010_deal_order_ref
Revises: 0009_buyer_message
Create Date: 2026-12-04
"""
from alembic import op


revision = '0010_deal_order_ref'
down_revision = '0009_buyer_message'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_counteroffer_deals_order_ref', 'counteroffer_deals', ['order_ref'])


def downgrade() -> None:
    op.drop_index('ix_counteroffer_deals_order_ref', table_name='counteroffer_deals')
