"""Migration 0018 (told results), on SQLite and PostgreSQL: the index on when a round was
told and the partial index of negotiations with a lost reason, matching the models."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from counteroffer.db import make_engine, upgrade
from counteroffer.db.migrate import VERSION_TABLE
from counteroffer.db.models import metadata
from tests.service.test_rule_versions_migration import empty_url  # noqa: F401 - the fixture

TABLES = ("counteroffer_told", "counteroffer_negotiations")


def _indexes(engine, table: str) -> set[str]:
    return {index["name"] for index in inspect(engine).get_indexes(table)}


def test_the_indexes_come_and_go_and_match_the_models(empty_url: str) -> None:  # noqa: F811
    engine = make_engine(empty_url)
    upgrade(engine, "0021_quote_reminders")
    assert "ix_counteroffer_told_created_at" not in _indexes(engine, "counteroffer_told")
    upgrade(engine, "0022_told_results")
    assert "ix_counteroffer_told_created_at" in _indexes(engine, "counteroffer_told")
    assert "ix_counteroffer_negotiations_lost" in _indexes(engine, "counteroffer_negotiations")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        mine = [d for d in compare_metadata(context, metadata) if any(t in repr(d) for t in TABLES)]
    assert mine == []
    engine.dispose()
