"""Migration 0017 (offer ranks), on SQLite and PostgreSQL: both offer tables gain a rank
column with rank 0 for the offers already written, and match the models afterwards."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from counteroffer.db import make_engine, upgrade
from counteroffer.db.migrate import VERSION_TABLE
from counteroffer.db.models import metadata
from tests.service.test_rule_versions_migration import empty_url  # noqa: F401 - the fixture

TABLES = ("counteroffer_offers", "counteroffer_quote_offers")


def test_offer_tables_gain_their_rank_and_match_the_models(empty_url: str) -> None:  # noqa: F811
    engine = make_engine(empty_url)
    upgrade(engine, "0016_quote_results")
    assert all("rank" not in {c["name"] for c in inspect(engine).get_columns(t)} for t in TABLES)
    upgrade(engine, "0017_offer_ranks")
    for table in TABLES:
        [rank] = [c for c in inspect(engine).get_columns(table) if c["name"] == "rank"]
        assert rank["nullable"] is False and "0" in str(rank["default"])
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        mine = [d for d in compare_metadata(context, metadata) if any(t in repr(d) for t in TABLES)]
    assert mine == []
    engine.dispose()
