"""Migration 0005: existing rules become version 1, published and live; the schema it
builds is exactly the models' (rule versions, live pointer, simulations, new columns)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from counteroffer.db import make_engine, upgrade
from counteroffer.db.migrate import VERSION_TABLE
from counteroffer.db.models import metadata
from tests.conftest import fresh_pg_schema

MINE = {"counteroffer_rule_versions", "counteroffer_live_rule_version", "counteroffer_simulations"}


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/old.sqlite3"
        return
    with fresh_pg_schema("co_mig") as url:
        yield url


def _touches_mine(diff: tuple) -> bool:
    for part in diff if isinstance(diff, list) else [diff]:
        text_ = repr(part)
        if any(name in text_ for name in MINE) or "version_id" in text_ or "rule_version" in text_:
            return True
    return False


def test_rules_of_an_existing_shop_become_version_1_and_stay_live(empty_url):
    engine = make_engine(empty_url)
    upgrade(engine, "0004_approvals")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO counteroffer_rules (kind, sku, priority, params) VALUES "
            "('floor', 'DEMO-120', 0, '{\"min_margin_pct\": \"20\"}')"))
    upgrade(engine, "0005_rule_versions")
    with engine.begin() as connection:
        version = connection.execute(text(
            "SELECT id, number, status FROM counteroffer_rule_versions")).one()
        live = connection.execute(text("SELECT version_id FROM counteroffer_live_rule_version")).scalar()
        rule_versions = connection.execute(text("SELECT version_id FROM counteroffer_rules")).scalars().all()
        # The sequence moved past the id given by hand: the next version inserts fine.
        connection.execute(text(
            "INSERT INTO counteroffer_rule_versions (status, revision, created_at, created_by) "
            "VALUES ('draft', 0, CURRENT_TIMESTAMP, 'max')"))
    assert tuple(version) == (1, 1, "published")
    assert live == 1 and rule_versions == [1]
    engine.dispose()


def test_an_empty_shop_gets_no_version_and_the_schema_matches_the_models(empty_url):
    engine = make_engine(empty_url)
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM counteroffer_rule_versions")).scalar() == 0
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        diffs = [diff for diff in compare_metadata(context, metadata) if _touches_mine(diff)]
    assert diffs == []
    engine.dispose()


def test_downgrade_keeps_the_live_rules_only(empty_url):
    engine = make_engine(empty_url)
    upgrade(engine, "0004_approvals")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO counteroffer_rules (kind, sku, priority, params) "
                                "VALUES ('floor', 'A', 0, '{}')"))
    upgrade(engine, "0005_rule_versions")
    from alembic import command

    from counteroffer.db.migrate import alembic_config

    config = alembic_config()
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO counteroffer_rule_versions (id, status, revision, created_at, created_by) "
            "VALUES (2, 'draft', 0, CURRENT_TIMESTAMP, 'max')"))
        connection.execute(text("INSERT INTO counteroffer_rules (version_id, kind, sku, priority, "
                                "params) VALUES (2, 'floor', 'A', 0, '{}')"))
        config.attributes["connection"] = connection
        command.downgrade(config, "0004_approvals")
    with engine.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM counteroffer_rules")).scalar() == 1
    engine.dispose()
