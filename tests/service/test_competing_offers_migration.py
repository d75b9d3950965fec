"""Migration 0014 (issue 16): the schema it makes matches the models, and it goes down
and up again. SQLite and PostgreSQL."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from counteroffer.db import make_engine, upgrade
from counteroffer.db.migrate import VERSION_TABLE, alembic_config
from counteroffer.db.models import metadata
from tests.conftest import fresh_pg_schema

MINE = ("counteroffer_told", "counteroffer_documents", "lost_reason", "lost_note", "decision_citation_checked")


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/told.sqlite3"
        return
    with fresh_pg_schema("co_told") as url:
        yield url


def test_the_schema_matches_the_models_and_goes_down_and_up(empty_url):
    engine = make_engine(empty_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        diffs = [diff for diff in compare_metadata(context, metadata) if any(name in repr(diff) for name in MINE)]
    assert diffs == []
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0013_rule_change_notices")
    assert "counteroffer_told" not in inspect(engine).get_table_names()
    assert "lost_reason" not in {c["name"] for c in inspect(engine).get_columns("counteroffer_negotiations")}
    upgrade(engine)
    assert "counteroffer_told" in inspect(engine).get_table_names()
    engine.dispose()
