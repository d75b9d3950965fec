"""Migration 0018 (document retention), on SQLite and PostgreSQL: documents gain
``purged_at`` and may lose their bytes, documents already stored keep theirs, and the
table matches the models afterwards."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from counteroffer.db import make_engine, upgrade
from counteroffer.db.migrate import VERSION_TABLE
from counteroffer.db.models import metadata
from tests.service.test_rule_versions_migration import empty_url  # noqa: F401 - the fixture

TABLE = "counteroffer_documents"


def test_documents_gain_purged_at_keep_their_bytes_and_match_the_models(empty_url: str) -> None:  # noqa: F811
    engine = make_engine(empty_url)
    upgrade(engine, "0017_offer_ranks")
    with engine.begin() as connection:
        connection.execute(text(
            f"INSERT INTO {TABLE} (id, company_id, filename, content_type, size, data, created_at) "
            "VALUES ('d1', 'acme', 'q.pdf', 'application/pdf', 3, :data, '2026-12-01 10:00:00')"), {"data": b"%PD"})
    upgrade(engine, "0018_document_retention")
    columns = {c["name"]: c for c in inspect(engine).get_columns(TABLE)}
    assert columns["purged_at"]["nullable"] is True and columns["data"]["nullable"] is True
    upgrade(engine)  # the later migrations too (0019 adds a document's quote_id): the models are the head's
    with engine.connect() as connection:
        assert connection.execute(text(f"SELECT data, purged_at FROM {TABLE}")).one() == (b"%PD", None)
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        mine = [d for d in compare_metadata(context, metadata) if TABLE in repr(d)]
    assert mine == []
    engine.dispose()


def test_downgrade_drops_the_rows_whose_bytes_are_gone(empty_url: str) -> None:  # noqa: F811
    from alembic import command

    from counteroffer.db.migrate import alembic_config

    engine = make_engine(empty_url)
    upgrade(engine, "0018_document_retention")
    insert = (f"INSERT INTO {TABLE} (id, company_id, filename, content_type, size, data, created_at, purged_at) "
              "VALUES (:id, 'acme', 'q.pdf', 'application/pdf', 3, :data, '2026-12-01 10:00:00', :purged)")
    config = alembic_config()
    with engine.begin() as connection:
        connection.execute(text(insert), {"id": "kept", "data": b"%PD", "purged": None})
        connection.execute(text(insert), {"id": "gone", "data": None, "purged": "2027-12-02 10:00:00"})
        config.attributes["connection"] = connection
        command.downgrade(config, "0017_offer_ranks")
    with engine.connect() as connection:
        assert connection.execute(text(f"SELECT id FROM {TABLE}")).scalars().all() == ["kept"]
    assert "purged_at" not in {c["name"] for c in inspect(engine).get_columns(TABLE)}
    engine.dispose()
