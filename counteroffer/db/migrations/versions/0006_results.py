"""results roll-ups and experiments (issue 6)

Revision ID: 0006_results
Revises: 0005_rule_versions
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa
import counteroffer.db.types


revision = '0006_results'
down_revision = '0005_rule_versions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('counteroffer_experiments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('version_a', sa.String(length=64), nullable=False),
    sa.Column('version_b', sa.String(length=64), nullable=False),
    sa.Column('split_pct', sa.Integer(), nullable=False),
    sa.Column('salt', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('stopped_at', counteroffer.db.types.UTCDateTime(), nullable=True),
    sa.Column('promoted_variant', sa.String(length=1), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_experiments'))
    )
    op.create_table('counteroffer_result_cycles',
    sa.Column('dimension', sa.String(length=16), nullable=False),
    sa.Column('segment', sa.String(length=64), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('cycle', sa.String(length=8), nullable=False),
    sa.Column('bucket', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('dimension', 'segment', 'currency', 'day', 'key', 'cycle', 'bucket', name=op.f('pk_counteroffer_result_cycles'))
    )
    op.create_table('counteroffer_result_deltas',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_result_deltas'))
    )
    op.create_table('counteroffer_result_facts',
    sa.Column('negotiation_id', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('requested_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('company_id', sa.String(length=64), nullable=False),
    sa.Column('segment', sa.String(length=64), nullable=True),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('rule_version_id', sa.String(length=64), nullable=True),
    sa.Column('experiment_id', sa.Integer(), nullable=True),
    sa.Column('variant', sa.String(length=16), nullable=True),
    sa.Column('asked_quantity', sa.Integer(), nullable=False),
    sa.Column('list_price', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
    sa.Column('price_for_quantity', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
    sa.Column('cost', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
    sa.Column('floor', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
    sa.Column('offered', sa.Boolean(), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('dec_accept', sa.Integer(), nullable=False),
    sa.Column('dec_counter', sa.Integer(), nullable=False),
    sa.Column('dec_escalate', sa.Integer(), nullable=False),
    sa.Column('dec_decline', sa.Integer(), nullable=False),
    sa.Column('dec_approve', sa.Integer(), nullable=False),
    sa.Column('dec_rep_counter', sa.Integer(), nullable=False),
    sa.Column('dec_reject', sa.Integer(), nullable=False),
    sa.Column('rep_id', sa.String(length=64), nullable=True),
    sa.Column('escalated_at', counteroffer.db.types.UTCDateTime(), nullable=True),
    sa.Column('due_at', counteroffer.db.types.UTCDateTime(), nullable=True),
    sa.Column('decided_at', counteroffer.db.types.UTCDateTime(), nullable=True),
    sa.Column('deal_at', counteroffer.db.types.UTCDateTime(), nullable=True),
    sa.Column('deal_quantity', sa.Integer(), nullable=True),
    sa.Column('deal_unit_price', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
    sa.Column('deal_list_price', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
    sa.Column('deal_cost', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
    sa.Column('deal_floor', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
    sa.Column('by_person', sa.Boolean(), nullable=False),
    sa.Column('redeemed_at', counteroffer.db.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('negotiation_id', name=op.f('pk_counteroffer_result_facts'))
    )
    with op.batch_alter_table('counteroffer_result_facts', schema=None) as batch_op:
        batch_op.create_index('ix_counteroffer_result_facts_day', ['day'], unique=False)
        batch_op.create_index('ix_counteroffer_result_facts_experiment', ['experiment_id', 'variant'], unique=False)

    op.create_table('counteroffer_result_rollups',
    sa.Column('dimension', sa.String(length=16), nullable=False),
    sa.Column('segment', sa.String(length=64), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('requests', sa.Integer(), nullable=False),
    sa.Column('offered', sa.Integer(), nullable=False),
    sa.Column('dec_accept', sa.Integer(), nullable=False),
    sa.Column('dec_counter', sa.Integer(), nullable=False),
    sa.Column('dec_escalate', sa.Integer(), nullable=False),
    sa.Column('dec_decline', sa.Integer(), nullable=False),
    sa.Column('dec_approve', sa.Integer(), nullable=False),
    sa.Column('dec_rep_counter', sa.Integer(), nullable=False),
    sa.Column('dec_reject', sa.Integer(), nullable=False),
    sa.Column('deals', sa.Integer(), nullable=False),
    sa.Column('auto_deals', sa.Integer(), nullable=False),
    sa.Column('redeemed', sa.Integer(), nullable=False),
    sa.Column('asked_units', sa.Integer(), nullable=False),
    sa.Column('deal_units', sa.Integer(), nullable=False),
    sa.Column('deal_value', counteroffer.db.types.Money(precision=18, scale=4), nullable=False),
    sa.Column('list_value', counteroffer.db.types.Money(precision=18, scale=4), nullable=False),
    sa.Column('priced_value', counteroffer.db.types.Money(precision=18, scale=4), nullable=False),
    sa.Column('floor_value', counteroffer.db.types.Money(precision=18, scale=4), nullable=False),
    sa.Column('order_revenue', counteroffer.db.types.Money(precision=18, scale=4), nullable=False),
    sa.Column('order_margin', counteroffer.db.types.Money(precision=18, scale=4), nullable=False),
    sa.Column('decided', sa.Integer(), nullable=False),
    sa.Column('sla_met', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('dimension', 'segment', 'currency', 'day', 'key', name=op.f('pk_counteroffer_result_rollups'))
    )


def downgrade() -> None:
    op.drop_table('counteroffer_result_rollups')
    with op.batch_alter_table('counteroffer_result_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_counteroffer_result_facts_experiment')
        batch_op.drop_index('ix_counteroffer_result_facts_day')

    op.drop_table('counteroffer_result_facts')
    op.drop_table('counteroffer_result_deltas')
    op.drop_table('counteroffer_result_cycles')
    op.drop_table('counteroffer_experiments')
