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
    pass


def downgrade() -> None:
    pass
