"""whole-cart quotes (issue 14): quotes, their lines, bids, offers and offer lines, the
quote deal, the audit trail and the escalation

Revision ID: 0012_quotes
Revises: 0011_rule_numbers
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa
import counteroffer.db.types


revision = '0012_quotes'
down_revision = '0011_rule_numbers'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('counteroffer_quotes',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('company_id', sa.String(length=64), nullable=False),
    sa.Column('buyer_id', sa.String(length=64), nullable=False),
    sa.Column('buyer_name', sa.String(length=200), nullable=True),
    sa.Column('buyer_email', sa.String(length=254), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('target_total', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
    sa.Column('target_discount_pct', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
    sa.Column('cart_total', counteroffer.db.types.Money(precision=18, scale=4), nullable=False),
    sa.Column('buyer_note', sa.Text(), nullable=True),
    sa.Column('rule_version_id', sa.Integer(), nullable=True),
    sa.Column('created_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['rule_version_id'], ['counteroffer_rule_versions.id'], name=op.f('fk_counteroffer_quotes_rule_version_id_counteroffer_rule_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_quotes'))
    )
    with op.batch_alter_table('counteroffer_quotes', schema=None) as batch_op:
        batch_op.create_index('ix_counteroffer_quotes_company', ['company_id', 'created_at'], unique=False)

    op.create_table('counteroffer_quote_bids',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('quote_id', sa.String(length=32), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('order_target', sa.JSON(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['quote_id'], ['counteroffer_quotes.id'], name=op.f('fk_counteroffer_quote_bids_quote_id_counteroffer_quotes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_quote_bids')),
    sa.UniqueConstraint('quote_id', 'round', name=op.f('uq_counteroffer_quote_bids_quote_id'))
    )
    op.create_table('counteroffer_quote_escalations',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('quote_id', sa.String(length=32), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('assignee_id', sa.String(length=64), nullable=True),
    sa.Column('on_behalf_of_id', sa.String(length=64), nullable=True),
    sa.Column('route', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('cart_total', counteroffer.db.types.Money(precision=18, scale=4), nullable=False),
    sa.Column('target_total', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
    sa.Column('suggested_quote', sa.JSON(), nullable=True),
    sa.Column('created_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('due_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('decided_at', counteroffer.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['quote_id'], ['counteroffer_quotes.id'], name=op.f('fk_counteroffer_quote_escalations_quote_id_counteroffer_quotes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_quote_escalations'))
    )
    with op.batch_alter_table('counteroffer_quote_escalations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counteroffer_quote_escalations_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counteroffer_quote_escalations_quote_id'), ['quote_id'], unique=False)
        batch_op.create_index('uq_counteroffer_quote_escalations_open', ['quote_id'], unique=True, postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))

    op.create_table('counteroffer_quote_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('quote_id', sa.String(length=32), nullable=False),
    sa.Column('at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=False),
    sa.Column('actor_role', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('before_status', sa.String(length=16), nullable=True),
    sa.Column('after_status', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['quote_id'], ['counteroffer_quotes.id'], name=op.f('fk_counteroffer_quote_events_quote_id_counteroffer_quotes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_quote_events'))
    )
    with op.batch_alter_table('counteroffer_quote_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counteroffer_quote_events_quote_id'), ['quote_id'], unique=False)

    op.create_table('counteroffer_quote_lines',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('quote_id', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('target_unit_price', counteroffer.db.types.Money(precision=18, scale=4), nullable=True),
    sa.Column('price_for_quantity', counteroffer.db.types.Money(precision=18, scale=4), nullable=False),
    sa.Column('removed_round', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['quote_id'], ['counteroffer_quotes.id'], name=op.f('fk_counteroffer_quote_lines_quote_id_counteroffer_quotes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_quote_lines')),
    sa.UniqueConstraint('quote_id', 'sku', name=op.f('uq_counteroffer_quote_lines_quote_id'))
    )
    with op.batch_alter_table('counteroffer_quote_lines', schema=None) as batch_op:
        batch_op.create_index('ix_counteroffer_quote_lines_sku', ['sku', 'quote_id'], unique=False)

    op.create_table('counteroffer_quote_offers',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('quote_id', sa.String(length=32), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total', counteroffer.db.types.Money(precision=18, scale=4), nullable=False),
    sa.Column('expires_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=True),
    sa.Column('created_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['quote_id'], ['counteroffer_quotes.id'], name=op.f('fk_counteroffer_quote_offers_quote_id_counteroffer_quotes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_quote_offers'))
    )
    with op.batch_alter_table('counteroffer_quote_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counteroffer_quote_offers_quote_id'), ['quote_id'], unique=False)

    op.create_table('counteroffer_quote_deals',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('offer_id', sa.String(length=32), nullable=False),
    sa.Column('quote_id', sa.String(length=32), nullable=False),
    sa.Column('company_id', sa.String(length=64), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total', counteroffer.db.types.Money(precision=18, scale=4), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=True),
    sa.Column('valid_until', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('created_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('redeemed_at', counteroffer.db.types.UTCDateTime(), nullable=True),
    sa.Column('order_ref', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['offer_id'], ['counteroffer_quote_offers.id'], name=op.f('fk_counteroffer_quote_deals_offer_id_counteroffer_quote_offers')),
    sa.ForeignKeyConstraint(['quote_id'], ['counteroffer_quotes.id'], name=op.f('fk_counteroffer_quote_deals_quote_id_counteroffer_quotes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_quote_deals')),
    sa.UniqueConstraint('offer_id', name=op.f('uq_counteroffer_quote_deals_offer_id')),
    sa.UniqueConstraint('token', name=op.f('uq_counteroffer_quote_deals_token'))
    )
    with op.batch_alter_table('counteroffer_quote_deals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counteroffer_quote_deals_order_ref'), ['order_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_counteroffer_quote_deals_quote_id'), ['quote_id'], unique=False)

    op.create_table('counteroffer_quote_offer_lines',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('offer_id', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', counteroffer.db.types.Money(precision=18, scale=4), nullable=False),
    sa.Column('price_for_quantity', counteroffer.db.types.Money(precision=18, scale=4), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['counteroffer_quote_offers.id'], name=op.f('fk_counteroffer_quote_offer_lines_offer_id_counteroffer_quote_offers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_quote_offer_lines'))
    )
    with op.batch_alter_table('counteroffer_quote_offer_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counteroffer_quote_offer_lines_offer_id'), ['offer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('counteroffer_quote_offer_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counteroffer_quote_offer_lines_offer_id'))

    op.drop_table('counteroffer_quote_offer_lines')
    with op.batch_alter_table('counteroffer_quote_deals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counteroffer_quote_deals_quote_id'))
        batch_op.drop_index(batch_op.f('ix_counteroffer_quote_deals_order_ref'))

    op.drop_table('counteroffer_quote_deals')
    with op.batch_alter_table('counteroffer_quote_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counteroffer_quote_offers_quote_id'))

    op.drop_table('counteroffer_quote_offers')
    with op.batch_alter_table('counteroffer_quote_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_counteroffer_quote_lines_sku')

    op.drop_table('counteroffer_quote_lines')
    with op.batch_alter_table('counteroffer_quote_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counteroffer_quote_events_quote_id'))

    op.drop_table('counteroffer_quote_events')
    with op.batch_alter_table('counteroffer_quote_escalations', schema=None) as batch_op:
        batch_op.drop_index('uq_counteroffer_quote_escalations_open', postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_counteroffer_quote_escalations_quote_id'))
        batch_op.drop_index(batch_op.f('ix_counteroffer_quote_escalations_assignee_id'))

    op.drop_table('counteroffer_quote_escalations')
    op.drop_table('counteroffer_quote_bids')
    with op.batch_alter_table('counteroffer_quotes', schema=None) as batch_op:
        batch_op.drop_index('ix_counteroffer_quotes_company')

    op.drop_table('counteroffer_quotes')
