"""initial tables

Revision ID: 0001_initial
Revises: 
Create Date: 2026-11-23 01:29:48.548428
"""
from alembic import op
import sqlalchemy as sa
import counteroffer.db.types


revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('counteroffer_companies',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('segment', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_companies'))
    )
    op.create_table('counteroffer_negotiations',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('company_id', sa.String(length=64), nullable=False),
    sa.Column('buyer_id', sa.String(length=64), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('target_unit_price', counteroffer.db.types.Money(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('created_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_negotiations'))
    )
    with op.batch_alter_table('counteroffer_negotiations', schema=None) as batch_op:
        batch_op.create_index('ix_counteroffer_negotiations_company', ['company_id', 'created_at'], unique=False)

    op.create_table('counteroffer_outbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('topic', sa.String(length=64), nullable=False),
    sa.Column('business_key', sa.String(length=128), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('published_at', counteroffer.db.types.UTCDateTime(), nullable=True),
    sa.Column('handled_at', counteroffer.db.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_outbox')),
    sa.UniqueConstraint('business_key', name=op.f('uq_counteroffer_outbox_business_key'))
    )
    with op.batch_alter_table('counteroffer_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_counteroffer_outbox_pending', ['published_at', 'id'], unique=False)

    op.create_table('counteroffer_products',
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('list_price', counteroffer.db.types.Money(), nullable=False),
    sa.Column('cost', counteroffer.db.types.Money(), nullable=False),
    sa.Column('order_multiple', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('sku', name=op.f('pk_counteroffer_products'))
    )
    op.create_table('counteroffer_rules',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=True),
    sa.Column('segment', sa.String(length=64), nullable=True),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_rules'))
    )
    with op.batch_alter_table('counteroffer_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counteroffer_rules_sku'), ['sku'], unique=False)

    op.create_table('counteroffer_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('negotiation_id', sa.String(length=32), nullable=False),
    sa.Column('at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=False),
    sa.Column('actor_role', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('before_status', sa.String(length=16), nullable=True),
    sa.Column('after_status', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['negotiation_id'], ['counteroffer_negotiations.id'], name=op.f('fk_counteroffer_events_negotiation_id_counteroffer_negotiations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_events'))
    )
    with op.batch_alter_table('counteroffer_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counteroffer_events_negotiation_id'), ['negotiation_id'], unique=False)

    op.create_table('counteroffer_offers',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('negotiation_id', sa.String(length=32), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', counteroffer.db.types.Money(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('expires_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('created_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['negotiation_id'], ['counteroffer_negotiations.id'], name=op.f('fk_counteroffer_offers_negotiation_id_counteroffer_negotiations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_offers'))
    )
    with op.batch_alter_table('counteroffer_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counteroffer_offers_negotiation_id'), ['negotiation_id'], unique=False)

    op.create_table('counteroffer_deals',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('offer_id', sa.String(length=32), nullable=False),
    sa.Column('negotiation_id', sa.String(length=32), nullable=False),
    sa.Column('company_id', sa.String(length=64), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', counteroffer.db.types.Money(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('valid_until', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('created_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('redeemed_at', counteroffer.db.types.UTCDateTime(), nullable=True),
    sa.Column('order_ref', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['negotiation_id'], ['counteroffer_negotiations.id'], name=op.f('fk_counteroffer_deals_negotiation_id_counteroffer_negotiations')),
    sa.ForeignKeyConstraint(['offer_id'], ['counteroffer_offers.id'], name=op.f('fk_counteroffer_deals_offer_id_counteroffer_offers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_deals')),
    sa.UniqueConstraint('offer_id', name=op.f('uq_counteroffer_deals_offer_id')),
    sa.UniqueConstraint('token', name=op.f('uq_counteroffer_deals_token'))
    )


def downgrade() -> None:
    op.drop_table('counteroffer_deals')
    with op.batch_alter_table('counteroffer_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counteroffer_offers_negotiation_id'))

    op.drop_table('counteroffer_offers')
    with op.batch_alter_table('counteroffer_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counteroffer_events_negotiation_id'))

    op.drop_table('counteroffer_events')
    with op.batch_alter_table('counteroffer_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counteroffer_rules_sku'))

    op.drop_table('counteroffer_rules')
    op.drop_table('counteroffer_products')
    with op.batch_alter_table('counteroffer_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_counteroffer_outbox_pending')

    op.drop_table('counteroffer_outbox')
    with op.batch_alter_table('counteroffer_negotiations', schema=None) as batch_op:
        batch_op.drop_index('ix_counteroffer_negotiations_company')

    op.drop_table('counteroffer_negotiations')
    op.drop_table('counteroffer_companies')
