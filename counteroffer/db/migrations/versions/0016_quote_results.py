"""results for quotes (issue 15): a result fact per quote beside the line requests' (kind),
its order totals, the extra order value won, and the roll-ups' kind dimension

Revision ID: 0016_quote_results
Revises: 0015_quote_decisions
Create Date: 2026-12-04

The roll-ups of the facts already written count them under kind 'line' at once (a copy
of their 'all' rows); their extra order value is 0 until ``flask counteroffer
results-rebuild`` recounts them from the facts (docs/results.md).
"""
from alembic import op
import sqlalchemy as sa
import counteroffer.db.types


revision = '0016_quote_results'
down_revision = '0015_quote_decisions'
branch_labels = None
depends_on = None

_MONEY = counteroffer.db.types.Money(precision=18, scale=4)
_FACT_TOTALS = ('deal_value', 'deal_list_value', 'deal_floor_value', 'deal_cost_value', 'extra_value')


def upgrade() -> None:
    with op.batch_alter_table('counteroffer_result_facts') as batch:
        batch.add_column(sa.Column('kind', sa.String(length=8), nullable=False, server_default='line'))
        for name in _FACT_TOTALS:
            batch.add_column(sa.Column(name, _MONEY, nullable=True))
        batch.add_column(sa.Column('line_prices', sa.JSON(), nullable=True))
    with op.batch_alter_table('counteroffer_result_rollups') as batch:
        batch.add_column(sa.Column('extra_value', _MONEY, nullable=False, server_default='0'))
    rollup_columns = [column for column in _rollup_columns() if column not in ('dimension', 'key')]
    names = ', '.join(rollup_columns)
    op.execute(f"INSERT INTO counteroffer_result_rollups (dimension, key, {names}) "
               f"SELECT 'kind', 'line', {names} FROM counteroffer_result_rollups WHERE dimension = 'all'")
    op.execute("INSERT INTO counteroffer_result_cycles (dimension, key, segment, currency, day, cycle, bucket, count) "
               "SELECT 'kind', 'line', segment, currency, day, cycle, bucket, count "
               "FROM counteroffer_result_cycles WHERE dimension = 'all'")


def _rollup_columns() -> list[str]:
    return ['dimension', 'segment', 'currency', 'day', 'key', 'requests', 'offered', 'dec_accept', 'dec_counter',
            'dec_escalate', 'dec_decline', 'dec_approve', 'dec_rep_counter', 'dec_reject', 'deals', 'auto_deals',
            'redeemed', 'asked_units', 'deal_units', 'deal_value', 'list_value', 'priced_value', 'floor_value',
            'order_revenue', 'order_margin', 'margin_known', 'decided', 'sla_met', 'extra_value']


def downgrade() -> None:
    op.execute("DELETE FROM counteroffer_result_rollups WHERE dimension = 'kind'")
    op.execute("DELETE FROM counteroffer_result_cycles WHERE dimension = 'kind'")
    with op.batch_alter_table('counteroffer_result_rollups') as batch:
        batch.drop_column('extra_value')
    with op.batch_alter_table('counteroffer_result_facts') as batch:
        batch.drop_column('line_prices')
        for name in reversed(_FACT_TOTALS):
            batch.drop_column(name)
        batch.drop_column('kind')
