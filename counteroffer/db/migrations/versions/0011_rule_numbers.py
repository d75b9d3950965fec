"""rule numbers that stay the same across versions (issue 22)

Each rule gets a number, the id of its first row, which every copy keeps (a draft, a
rollback, a promoted experiment). Existing rows are numbered here version by version, in
the order they were made: a rule of a version copied from another (``based_on_id``)
takes the number of the rule of the same kind, scope and priority there; any other rule,
its own id.

Revision ID: 0011_rule_numbers
Revises: 0010_order_ref_stock
Create Date: 2026-12-04
"""
from collections import defaultdict

from alembic import op
import sqlalchemy as sa


revision = '0011_rule_numbers'
down_revision = '0010_order_ref_stock'
branch_labels = None
depends_on = None

_SCOPE = ("kind", "sku", "category", "segment", "priority")


def upgrade() -> None:
    with op.batch_alter_table('counteroffer_rules') as batch:
        batch.add_column(sa.Column('number', sa.Integer(), nullable=True))
    _number_existing_rules(op.get_bind())
    with op.batch_alter_table('counteroffer_rules') as batch:
        batch.create_index('uq_counteroffer_rules_version_number', ['version_id', 'number'], unique=True)


def _number_existing_rules(connection: sa.engine.Connection) -> None:
    based_on = dict(connection.execute(sa.text(
        "SELECT id, based_on_id FROM counteroffer_rule_versions ORDER BY id")).all())
    rules = defaultdict(list)
    for row in connection.execute(sa.text(
            "SELECT id, version_id, kind, sku, category, segment, priority FROM counteroffer_rules ORDER BY id")):
        rules[row.version_id].append(row)
    numbers: dict[int, dict[tuple, int]] = {}  # version -> scope -> number
    update = sa.text("UPDATE counteroffer_rules SET number = :number WHERE id = :id")
    for version_id in sorted(rules):  # a version is copied from an older one: numbered first
        inherited = numbers.get(based_on.get(version_id) or -1, {})
        mine: dict[tuple, int] = {}
        used: set[int] = set()
        for rule in rules[version_id]:
            scope = tuple(getattr(rule, name) or (0 if name == "priority" else None) for name in _SCOPE)
            number = inherited.get(scope)
            if number is None or number in used:
                number = rule.id
            used.add(number)
            mine.setdefault(scope, number)
            connection.execute(update, {"number": number, "id": rule.id})
        numbers[version_id] = mine


def downgrade() -> None:
    with op.batch_alter_table('counteroffer_rules') as batch:
        batch.drop_index('uq_counteroffer_rules_version_number')
        batch.drop_column('number')
