"""rule sets, versions and simulations (issue 5)

Revision ID: 0005_rule_versions
Revises: 0004_approvals
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa
import counteroffer.db.types


revision = '0005_rule_versions'
down_revision = '0004_approvals'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
