"""Migration 0023 (quote line categories), on SQLite and PostgreSQL: a quote line keeps its
product's category; lines written before it have none (the told report asks the catalog
for those), and the column matches the model."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from counteroffer.db import make_engine, upgrade
from counteroffer.db.migrate import VERSION_TABLE
from counteroffer.db.models import metadata
from tests.service.test_rule_versions_migration import empty_url  # noqa: F401 - the fixture

_QUOTE = ("INSERT INTO counteroffer_quotes (id, company_id, buyer_id, currency, status, round, cart_total, "
          "created_at, updated_at) VALUES ('q1', 'acme', 'ann', 'USD', 'countered', 1, 100, "
          "'2026-11-02 10:00:00', '2026-11-02 10:00:00')")
_LINE = ("INSERT INTO counteroffer_quote_lines (quote_id, position, sku, name, quantity, price_for_quantity) "
         "VALUES ('q1', 0, 'DEMO-120', 'Demo', 10, 120)")


def _columns(engine) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns("counteroffer_quote_lines")}


def test_a_line_from_before_has_no_category_and_the_column_matches_the_model(empty_url: str) -> None:  # noqa: F811
    engine = make_engine(empty_url)
    upgrade(engine, "0022_told_results")
    assert "category" not in _columns(engine)
    with engine.begin() as connection:
        connection.execute(text(_QUOTE))
        connection.execute(text(_LINE))
    upgrade(engine, "0023_quote_line_categories")
    assert "category" in _columns(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT sku, category FROM counteroffer_quote_lines")).all() == [
            ("DEMO-120", None)]
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        mine = [d for d in compare_metadata(context, metadata) if "counteroffer_quote_lines" in repr(d)]
    assert mine == []
    engine.dispose()
