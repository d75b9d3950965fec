"""quote line categories: each quote line keeps its product's category (issue 16, item 5)

Revision ID: 0023_quote_line_categories
Revises: 0022_told_results
Create Date: 2026-12-04

What buyers told counts a quote's citation under each SKU's category, as a line request's
result fact keeps its own. Kept on the line when it is asked, as its price for the
quantity is, so the report reads it with the line instead of asking the host's catalog
for every SKU of the period; lines written before this read the catalog.
"""
from alembic import op
import sqlalchemy as sa


revision = '0023_quote_line_categories'
down_revision = '0022_told_results'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('counteroffer_quote_lines') as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('counteroffer_quote_lines') as batch_op:
        batch_op.drop_column('category')
