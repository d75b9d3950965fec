"""approvals: reps, delegations, escalations

Revision ID: 0004_approvals
Revises: 0003_terms
Create Date: 2026-11-23 02:38:31.958355
"""
from alembic import op
import sqlalchemy as sa
import counteroffer.db.types


revision = '0004_approvals'
down_revision = '0003_terms'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('counteroffer_reps',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('manager_id', sa.String(length=64), nullable=True),
    sa.Column('max_discount_pct', counteroffer.db.types.Money(precision=18, scale=4), nullable=False),
    sa.Column('max_deal_value', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
    sa.Column('pool_categories', sa.JSON(), nullable=True),
    sa.Column('pool_regions', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_reps'))
    )
    with op.batch_alter_table('counteroffer_reps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counteroffer_reps_manager_id'), ['manager_id'], unique=False)

    op.create_table('counteroffer_delegations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('rep_id', sa.String(length=64), nullable=False),
    sa.Column('delegate_id', sa.String(length=64), nullable=False),
    sa.Column('starts_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('ends_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('created_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['delegate_id'], ['counteroffer_reps.id'], name=op.f('fk_counteroffer_delegations_delegate_id_counteroffer_reps')),
    sa.ForeignKeyConstraint(['rep_id'], ['counteroffer_reps.id'], name=op.f('fk_counteroffer_delegations_rep_id_counteroffer_reps')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_delegations'))
    )
    with op.batch_alter_table('counteroffer_delegations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counteroffer_delegations_delegate_id'), ['delegate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counteroffer_delegations_rep_id'), ['rep_id'], unique=False)

    op.create_table('counteroffer_escalations',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('negotiation_id', sa.String(length=32), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('assignee_id', sa.String(length=64), nullable=True),
    sa.Column('on_behalf_of_id', sa.String(length=64), nullable=True),
    sa.Column('segment', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('list_price', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
    sa.Column('price_for_quantity', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
    sa.Column('floor', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
    sa.Column('cost', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
    sa.Column('suggested_offer', sa.JSON(), nullable=True),
    sa.Column('created_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('remind_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('due_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('reminded_at', counteroffer.db.types.UTCDateTime(), nullable=True),
    sa.Column('escalated_at', counteroffer.db.types.UTCDateTime(), nullable=True),
    sa.Column('decided_at', counteroffer.db.types.UTCDateTime(), nullable=True),
    sa.Column('decision_action', sa.String(length=16), nullable=True),
    sa.Column('decision_unit_price', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
    sa.Column('decision_quantity', sa.Integer(), nullable=True),
    sa.Column('decision_terms', sa.JSON(), nullable=True),
    sa.Column('decision_rationale', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_by_role', sa.String(length=16), nullable=True),
    sa.Column('decided_on_behalf_of', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['negotiation_id'], ['counteroffer_negotiations.id'], name=op.f('fk_counteroffer_escalations_negotiation_id_counteroffer_negotiations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_escalations'))
    )
    with op.batch_alter_table('counteroffer_escalations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counteroffer_escalations_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index('ix_counteroffer_escalations_inbox', ['status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_counteroffer_escalations_negotiation_id'), ['negotiation_id'], unique=False)
        batch_op.create_index('uq_counteroffer_escalations_open', ['negotiation_id'], unique=True, postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))

    with op.batch_alter_table('counteroffer_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_counteroffer_outbox_unhandled', ['handled_at', 'published_at'], unique=False)

    with op.batch_alter_table('counteroffer_companies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_rep', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('profitability_tier', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('region', sa.String(length=64), nullable=True))

    with op.batch_alter_table('counteroffer_negotiations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('buyer_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('buyer_email', sa.String(length=254), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('counteroffer_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_counteroffer_outbox_unhandled')

    with op.batch_alter_table('counteroffer_negotiations', schema=None) as batch_op:
        batch_op.drop_column('buyer_email')
        batch_op.drop_column('buyer_name')

    with op.batch_alter_table('counteroffer_companies', schema=None) as batch_op:
        batch_op.drop_column('region')
        batch_op.drop_column('profitability_tier')
        batch_op.drop_column('owner_rep')

    with op.batch_alter_table('counteroffer_escalations', schema=None) as batch_op:
        batch_op.drop_index('uq_counteroffer_escalations_open', postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_counteroffer_escalations_negotiation_id'))
        batch_op.drop_index('ix_counteroffer_escalations_inbox')
        batch_op.drop_index(batch_op.f('ix_counteroffer_escalations_assignee_id'))

    op.drop_table('counteroffer_escalations')
    with op.batch_alter_table('counteroffer_delegations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counteroffer_delegations_rep_id'))
        batch_op.drop_index(batch_op.f('ix_counteroffer_delegations_delegate_id'))

    op.drop_table('counteroffer_delegations')
    with op.batch_alter_table('counteroffer_reps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counteroffer_reps_manager_id'))

    op.drop_table('counteroffer_reps')
