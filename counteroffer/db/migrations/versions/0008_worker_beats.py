"""worker heartbeats (issue 22)

Revision ID: 0008_worker_beats
Revises: 0007_security
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import counteroffer.db.types


revision = '0008_worker_beats'
down_revision = '0007_security'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('counteroffer_worker_beats',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('started_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('seen_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_counteroffer_worker_beats'))
    )


def downgrade() -> None:
    op.drop_table('counteroffer_worker_beats')
