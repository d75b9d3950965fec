"""a notification when the rules a request is decided with may have changed (issue 17)

On PostgreSQL, every statement that writes the live pointer, a rule version or an
experiment sends ``NOTIFY counteroffer_rules`` with the table's schema (delivered at its
commit; a database may hold several shops' schemas), so that each
process can keep the live version in memory instead of reading it on every price
request (db/rule_changes.py). SQLite has no notifications: nothing to do there.

Revision ID: 0013_rule_change_notices
Revises: 0012_quotes
Create Date: 2026-12-04
"""
from alembic import op


revision = '0013_rule_change_notices'
down_revision = '0012_quotes'
branch_labels = None
depends_on = None

_TABLES = ("counteroffer_live_rule_version", "counteroffer_rule_versions", "counteroffer_experiments")
_FUNCTION = "counteroffer_rules_changed"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"""
        CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('counteroffer_rules', TG_TABLE_SCHEMA);
            RETURN NULL;
        END $$""")
    for table in _TABLES:
        op.execute(f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                   f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_changed ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {_FUNCTION}()")
