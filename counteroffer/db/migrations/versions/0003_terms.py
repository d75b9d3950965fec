"""terms on offers and deals

Revision ID: 0003_terms
Revises: 0002_category_note
Create Date: 2026-11-23 02:08:56.593815
"""
from alembic import op
import sqlalchemy as sa
import counteroffer.db.types


revision = '0003_terms'
down_revision = '0002_category_note'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('counteroffer_deals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('terms', sa.JSON(), nullable=True))

    with op.batch_alter_table('counteroffer_offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('terms', sa.JSON(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('counteroffer_offers', schema=None) as batch_op:
        batch_op.drop_column('terms')

    with op.batch_alter_table('counteroffer_deals', schema=None) as batch_op:
        batch_op.drop_column('terms')

