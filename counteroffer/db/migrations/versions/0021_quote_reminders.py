"""quote reminders (issue 15): a reminder to the assignee before a quote escalation is due

Revision ID: 0021_quote_reminders
Revises: 0020_quote_replay
Create Date: 2026-12-04

``counteroffer_quote_escalations.remind_at`` (from the segment's service level, as a
line escalation's) and ``reminded_at`` (set once, in the transaction that writes the
reminder). Escalations open before this migration have no ``remind_at``: they get no
reminder, and still move to the manager at ``due_at``.
"""
from alembic import op
import sqlalchemy as sa
import counteroffer.db.types


revision = '0021_quote_reminders'
down_revision = '0020_quote_replay'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('counteroffer_quote_escalations') as batch:
        batch.add_column(sa.Column('remind_at', counteroffer.db.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('reminded_at', counteroffer.db.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('counteroffer_quote_escalations') as batch:
        batch.drop_column('reminded_at')
        batch.drop_column('remind_at')
