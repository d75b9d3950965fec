"""deals looked up by the host's order reference, stock in the default catalog (issue 26);
products without a cost, and which orders' margins are known (issue 20)

Revision ID: 0010_order_ref_stock
Revises: 0009_buyer_message
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa
import counteroffer.db.types


revision = '0010_order_ref_stock'
down_revision = '0009_buyer_message'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_counteroffer_deals_order_ref', 'counteroffer_deals', ['order_ref'])
    with op.batch_alter_table('counteroffer_products') as batch:
        batch.add_column(sa.Column('available', sa.Integer(), nullable=True))
        batch.alter_column('cost', existing_type=counteroffer.db.types.Money(), nullable=True)
    with op.batch_alter_table('counteroffer_result_rollups') as batch:
        batch.add_column(sa.Column('margin_known', sa.Integer(), nullable=False, server_default='0'))
    # Until now every product had a cost: each redeemed deal's margin was known.
    op.execute('UPDATE counteroffer_result_rollups SET margin_known = redeemed')


def downgrade() -> None:
    with op.batch_alter_table('counteroffer_result_rollups') as batch:
        batch.drop_column('margin_known')
    with op.batch_alter_table('counteroffer_products') as batch:
        batch.alter_column('cost', existing_type=counteroffer.db.types.Money(), nullable=False)
        batch.drop_column('available')
    op.drop_index('ix_counteroffer_deals_order_ref', table_name='counteroffer_deals')
