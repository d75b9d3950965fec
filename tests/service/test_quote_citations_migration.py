"""Migration 0019 (issue 16, quotes): the schema it makes matches the models (the quote's
told table, why-not columns, the escalation's citation_checked, a document's quote), and it
goes down and up again. SQLite and PostgreSQL."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from counteroffer.db import make_engine, upgrade
from counteroffer.db.migrate import VERSION_TABLE, alembic_config
from counteroffer.db.models import metadata
from tests.service.test_competing_offers_migration import empty_url  # noqa: F401 - the fixture

MINE = ("counteroffer_quote_told", "counteroffer_quotes", "counteroffer_quote_escalations", "counteroffer_documents")


def test_the_schema_matches_the_models_and_goes_down_and_up(empty_url):  # noqa: F811
    engine = make_engine(empty_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        diffs = [diff for diff in compare_metadata(context, metadata) if any(name in repr(diff) for name in MINE)]
    assert diffs == []
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0018_document_retention")
    assert "counteroffer_quote_told" not in inspect(engine).get_table_names()
    assert "quote_id" not in {c["name"] for c in inspect(engine).get_columns("counteroffer_documents")}
    assert "lost_reason" not in {c["name"] for c in inspect(engine).get_columns("counteroffer_quotes")}
    upgrade(engine)
    assert "counteroffer_quote_told" in inspect(engine).get_table_names()
    engine.dispose()
