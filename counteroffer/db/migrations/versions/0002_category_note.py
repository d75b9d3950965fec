"""rule category and buyer note

Revision ID: 0002_category_note
Revises: 0001_initial
Create Date: 2026-11-23 02:05:17.297179
"""
from alembic import op
import sqlalchemy as sa
import counteroffer.db.types


revision = '0002_category_note'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('counteroffer_negotiations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('buyer_note', sa.Text(), nullable=True))

    with op.batch_alter_table('counteroffer_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=100), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('counteroffer_rules', schema=None) as batch_op:
        batch_op.drop_column('category')

    with op.batch_alter_table('counteroffer_negotiations', schema=None) as batch_op:
        batch_op.drop_column('buyer_note')

