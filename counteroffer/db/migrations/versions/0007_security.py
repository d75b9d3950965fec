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
    op.create_table('counteroffer_idempotency_keys',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('scope', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('claim', sa.String(length=32), nullable=False),
    sa.Column('locked_until', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('created_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('completed_at', counteroffer.db.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_idempotency_keys')),
    sa.UniqueConstraint('scope', 'key', name=op.f('uq_counteroffer_idempotency_keys_scope'))
    )
    with op.batch_alter_table('counteroffer_idempotency_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counteroffer_idempotency_keys_created_at'), ['created_at'], unique=False)

    op.create_table('counteroffer_request_caps',
    sa.Column('company_id', sa.String(length=64), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('company_id', 'sku', name=op.f('pk_counteroffer_request_caps'))
    )
    with op.batch_alter_table('counteroffer_negotiations', schema=None) as batch_op:
        batch_op.create_index('ix_counteroffer_negotiations_company_sku', ['company_id', 'sku', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('counteroffer_negotiations', schema=None) as batch_op:
        batch_op.drop_index('ix_counteroffer_negotiations_company_sku')
    op.drop_table('counteroffer_request_caps')
    with op.batch_alter_table('counteroffer_idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counteroffer_idempotency_keys_created_at'))
    op.drop_table('counteroffer_idempotency_keys')
