"""a person's decision on a quote's escalation (issue 15): who decided, how, why, and the
whole quote they approved or countered (its lines, total and order terms); and when an
overdue quote was moved up the approval chain

Revision ID: 0015_quote_decisions
Revises: 0014_competing_offers
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa
import counteroffer.db.types


revision = '0015_quote_decisions'
down_revision = '0014_competing_offers'
branch_labels = None
depends_on = None

_COLUMNS = (
    ('decision_action', sa.String(length=16)),
    ('decision_rationale', sa.Text()),
    ('decision_buyer_message', sa.Text()),
    ('decision_total', counteroffer.db.types.Money(precision=18, scale=4)),
    ('decision_lines', sa.JSON()),
    ('decision_terms', sa.JSON()),
    ('decided_by', sa.String(length=64)),
    ('decided_by_role', sa.String(length=16)),
    ('decided_on_behalf_of', sa.String(length=64)),
    ('escalated_at', counteroffer.db.types.UTCDateTime()),
)


def upgrade() -> None:
    with op.batch_alter_table('counteroffer_quote_escalations', schema=None) as batch_op:
        for name, type_ in _COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('counteroffer_quote_escalations', schema=None) as batch_op:
        for name, _type in reversed(_COLUMNS):
            batch_op.drop_column(name)
