"""what buyers tell with a whole-cart quote (issue 16): a competing offer (an order total or
line prices) and needed_by per round, why a quote was lost, whether a rep checked the
citation, and a document cited by a quote

Revision ID: 0019_quote_citations
Revises: 0018_document_retention
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa
import counteroffer.db.types


revision = '0019_quote_citations'
# Written as 0017 beside main's 0017_offer_ranks and 0018_document_retention; renumbered and
# chained after them when main was merged into this branch.
down_revision = '0018_document_retention'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'counteroffer_quote_told',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('quote_id', sa.String(length=32), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('competitor', sa.String(length=100), nullable=True),
        sa.Column('total', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
        sa.Column('line_prices', sa.JSON(), nullable=True),
        sa.Column('valid_until', sa.Date(), nullable=True),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('needed_by', sa.Date(), nullable=True),
        sa.Column('document_id', sa.String(length=32), nullable=True),
        sa.Column('created_at', counteroffer.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['counteroffer_documents.id'],
                                name=op.f('fk_counteroffer_quote_told_document_id_counteroffer_documents')),
        sa.ForeignKeyConstraint(['quote_id'], ['counteroffer_quotes.id'],
                                name=op.f('fk_counteroffer_quote_told_quote_id_counteroffer_quotes')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_quote_told')),
    )
    with op.batch_alter_table('counteroffer_quote_told') as batch_op:
        batch_op.create_index(batch_op.f('ix_counteroffer_quote_told_quote_id'), ['quote_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counteroffer_quote_told_competitor'), ['competitor'], unique=False)
    with op.batch_alter_table('counteroffer_quotes') as batch_op:
        batch_op.add_column(sa.Column('lost_reason', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('lost_note', sa.Text(), nullable=True))
    with op.batch_alter_table('counteroffer_quote_escalations') as batch_op:
        batch_op.add_column(sa.Column('decision_citation_checked', sa.Boolean(), nullable=True))
    with op.batch_alter_table('counteroffer_documents') as batch_op:
        batch_op.add_column(sa.Column('quote_id', sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_counteroffer_documents_quote_id_counteroffer_quotes'),
                                    'counteroffer_quotes', ['quote_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_counteroffer_documents_quote_id'), ['quote_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('counteroffer_documents') as batch_op:
        batch_op.drop_index(batch_op.f('ix_counteroffer_documents_quote_id'))
        batch_op.drop_constraint(batch_op.f('fk_counteroffer_documents_quote_id_counteroffer_quotes'),
                                 type_='foreignkey')
        batch_op.drop_column('quote_id')
    with op.batch_alter_table('counteroffer_quote_escalations') as batch_op:
        batch_op.drop_column('decision_citation_checked')
    with op.batch_alter_table('counteroffer_quotes') as batch_op:
        batch_op.drop_column('lost_note')
        batch_op.drop_column('lost_reason')
    with op.batch_alter_table('counteroffer_quote_told') as batch_op:
        batch_op.drop_index(batch_op.f('ix_counteroffer_quote_told_competitor'))
        batch_op.drop_index(batch_op.f('ix_counteroffer_quote_told_quote_id'))
    op.drop_table('counteroffer_quote_told')
