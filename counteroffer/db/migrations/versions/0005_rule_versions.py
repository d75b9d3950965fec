"""rule sets, versions and simulations (issue 5)

Existing rules become version 1, published and live, so a shop that upgrades keeps
answering exactly as before.

Revision ID: 0005_rule_versions
Revises: 0004_approvals
Create Date: 2026-11-23
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa
import counteroffer.db.types


revision = '0005_rule_versions'
down_revision = '0004_approvals'
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_versions()
    op.create_table('counteroffer_live_rule_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('changed_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['counteroffer_rule_versions.id'], name=op.f('fk_counteroffer_live_rule_version_version_id_counteroffer_rule_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_live_rule_version'))
    )
    _create_simulations()
    with op.batch_alter_table('counteroffer_negotiations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rule_version_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_counteroffer_negotiations_rule_version_id'), ['rule_version_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_counteroffer_negotiations_rule_version_id_counteroffer_rule_versions'), 'counteroffer_rule_versions', ['rule_version_id'], ['id'])

    with op.batch_alter_table('counteroffer_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version_id', sa.Integer(), nullable=True))
    _existing_rules_become_version_1()
    with op.batch_alter_table('counteroffer_rules', schema=None) as batch_op:
        batch_op.alter_column('version_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index('ix_counteroffer_rules_version_category', ['version_id', 'category'], unique=False)
        batch_op.create_index('ix_counteroffer_rules_version_kind', ['version_id', 'kind'], unique=False)
        batch_op.create_index('ix_counteroffer_rules_version_segment', ['version_id', 'segment'], unique=False)
        batch_op.create_index('ix_counteroffer_rules_version_sku', ['version_id', 'sku'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_counteroffer_rules_version_id_counteroffer_rule_versions'), 'counteroffer_rule_versions', ['version_id'], ['id'])


def _create_versions() -> None:
    op.create_table('counteroffer_rule_versions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('based_on_id', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('published_at', counteroffer.db.types.UTCDateTime(), nullable=True),
    sa.Column('published_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_rule_versions')),
    sa.UniqueConstraint('number', name=op.f('uq_counteroffer_rule_versions_number'))
    )
    with op.batch_alter_table('counteroffer_rule_versions', schema=None) as batch_op:
        batch_op.create_index('uq_counteroffer_rule_versions_draft', ['status'], unique=True, postgresql_where=sa.text("status = 'draft'"), sqlite_where=sa.text("status = 'draft'"))


def _create_simulations() -> None:
    op.create_table('counteroffer_simulations',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('requests', sa.JSON(), nullable=True),
    sa.Column('draft_version_id', sa.Integer(), nullable=True),
    sa.Column('live_version_id', sa.Integer(), nullable=True),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('processed', sa.Integer(), nullable=False),
    sa.Column('cancel_requested', sa.Boolean(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', counteroffer.db.types.UTCDateTime(), nullable=False),
    sa.Column('started_at', counteroffer.db.types.UTCDateTime(), nullable=True),
    sa.Column('finished_at', counteroffer.db.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counteroffer_simulations'))
    )
    with op.batch_alter_table('counteroffer_simulations', schema=None) as batch_op:
        batch_op.create_index('ix_counteroffer_simulations_created', ['created_at'], unique=False)


def _existing_rules_become_version_1() -> None:
    connection = op.get_bind()
    if not connection.execute(sa.text("SELECT 1 FROM counteroffer_rules LIMIT 1")).first():
        return  # a new shop: the first rule saved makes version 1
    now = datetime.now(timezone.utc).replace(tzinfo=None)  # UTCDateTime stores naive UTC
    connection.execute(sa.text(
        "INSERT INTO counteroffer_rule_versions (id, number, status, note, revision, created_at, "
        "created_by, published_at, published_by) VALUES (1, 1, 'published', "
        "'The rules from before versions', 0, :now, 'migration', :now, 'migration')"), {"now": now})
    connection.execute(sa.text(
        "INSERT INTO counteroffer_live_rule_version (id, version_id, changed_at, changed_by) "
        "VALUES (1, 1, :now, 'migration')"), {"now": now})
    connection.execute(sa.text("UPDATE counteroffer_rules SET version_id = 1"))
    if connection.dialect.name == "postgresql":  # the id was given, so move the sequence on
        connection.execute(sa.text("SELECT setval(pg_get_serial_sequence("
                                   "'counteroffer_rule_versions', 'id'), 1)"))


def downgrade() -> None:
    # Before versions there was one rule set: keep the live one's rules, drop the others.
    op.get_bind().execute(sa.text(
        "DELETE FROM counteroffer_rules WHERE version_id NOT IN "
        "(SELECT version_id FROM counteroffer_live_rule_version)"))
    with op.batch_alter_table('counteroffer_rules', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_counteroffer_rules_version_id_counteroffer_rule_versions'), type_='foreignkey')
        batch_op.drop_index('ix_counteroffer_rules_version_sku')
        batch_op.drop_index('ix_counteroffer_rules_version_segment')
        batch_op.drop_index('ix_counteroffer_rules_version_kind')
        batch_op.drop_index('ix_counteroffer_rules_version_category')
        batch_op.drop_column('version_id')

    with op.batch_alter_table('counteroffer_negotiations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_counteroffer_negotiations_rule_version_id_counteroffer_rule_versions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_counteroffer_negotiations_rule_version_id'))
        batch_op.drop_column('rule_version_id')

    op.drop_table('counteroffer_live_rule_version')
    with op.batch_alter_table('counteroffer_simulations', schema=None) as batch_op:
        batch_op.drop_index('ix_counteroffer_simulations_created')

    op.drop_table('counteroffer_simulations')
    with op.batch_alter_table('counteroffer_rule_versions', schema=None) as batch_op:
        batch_op.drop_index('uq_counteroffer_rule_versions_draft', postgresql_where=sa.text("status = 'draft'"), sqlite_where=sa.text("status = 'draft'"))

    op.drop_table('counteroffer_rule_versions')
