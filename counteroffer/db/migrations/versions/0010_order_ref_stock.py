"""deals looked up by the host's order reference, and stock in the default catalog (issue 26)

Revision ID: 0010_order_ref_stock
Revises: 0009_buyer_message
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_order_ref_stock'
down_revision = '0009_buyer_message'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_counteroffer_deals_order_ref', 'counteroffer_deals', ['order_ref'])
    with op.batch_alter_table('counteroffer_products') as batch:
        batch.add_column(sa.Column('available', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('counteroffer_products') as batch:
        batch.drop_column('available')
    op.drop_index('ix_counteroffer_deals_order_ref', table_name='counteroffer_deals')
