"""what buyers tell: competing offers (and their documents) and needed_by per round, why a
negotiation was lost, and whether a rep checked a citation (issue 16)

Revision ID: 0014_competing_offers
Revises: 0013_rule_change_notices
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa
import counteroffer.db.types


revision = '0014_competing_offers'
# 0012 and 0013 are on other branches in flight: whoever merges last chains this after them.
down_revision = '0013_rule_change_notices'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'counteroffer_documents',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('company_id', sa.String(length=64), nullable=False),
        sa.Column('negotiation_id', sa.String(length=32), nullable=True),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=32), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', counteroffer.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['negotiation_id'], ['counteroffer_negotiations.id'],
                                name=op.f('fk_counteroffer_documents_negotiation_id_counteroffer_negotiations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_documents')),
    )
    with op.batch_alter_table('counteroffer_documents') as batch_op:
        batch_op.create_index(batch_op.f('ix_counteroffer_documents_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counteroffer_documents_negotiation_id'), ['negotiation_id'],
                              unique=False)
    op.create_table(
        'counteroffer_told',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('negotiation_id', sa.String(length=32), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('competitor', sa.String(length=100), nullable=True),
        sa.Column('unit_price', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
        sa.Column('valid_until', sa.Date(), nullable=True),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('needed_by', sa.Date(), nullable=True),
        sa.Column('document_id', sa.String(length=32), nullable=True),
        sa.Column('created_at', counteroffer.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['counteroffer_documents.id'],
                                name=op.f('fk_counteroffer_told_document_id_counteroffer_documents')),
        sa.ForeignKeyConstraint(['negotiation_id'], ['counteroffer_negotiations.id'],
                                name=op.f('fk_counteroffer_told_negotiation_id_counteroffer_negotiations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_told')),
    )
    with op.batch_alter_table('counteroffer_told') as batch_op:
        batch_op.create_index(batch_op.f('ix_counteroffer_told_negotiation_id'), ['negotiation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counteroffer_told_competitor'), ['competitor'], unique=False)
    with op.batch_alter_table('counteroffer_negotiations') as batch_op:
        batch_op.add_column(sa.Column('lost_reason', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('lost_note', sa.Text(), nullable=True))
    with op.batch_alter_table('counteroffer_escalations') as batch_op:
        batch_op.add_column(sa.Column('decision_citation_checked', sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('counteroffer_escalations') as batch_op:
        batch_op.drop_column('decision_citation_checked')
    with op.batch_alter_table('counteroffer_negotiations') as batch_op:
        batch_op.drop_column('lost_note')
        batch_op.drop_column('lost_reason')
    with op.batch_alter_table('counteroffer_told') as batch_op:
        batch_op.drop_index(batch_op.f('ix_counteroffer_told_competitor'))
        batch_op.drop_index(batch_op.f('ix_counteroffer_told_negotiation_id'))
    op.drop_table('counteroffer_told')
    with op.batch_alter_table('counteroffer_documents') as batch_op:
        batch_op.drop_index(batch_op.f('ix_counteroffer_documents_negotiation_id'))
        batch_op.drop_index(batch_op.f('ix_counteroffer_documents_company_id'))
    op.drop_table('counteroffer_documents')
