"""idempotency keys and request caps (issue 8)

Revision ID: 0007_security
Revises: 0006_results
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa
import counteroffer.db.types


revision = '0007_security'
down_revision = '0006_results'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
