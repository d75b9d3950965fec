"""Migration 0016: the roll-ups already kept count under kind 'line' at once, and the
results tables it changes match the models."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from counteroffer.db import make_engine, upgrade
from counteroffer.db.migrate import VERSION_TABLE
from counteroffer.db.models import metadata
from tests.service.test_rule_versions_migration import empty_url  # noqa: F401 - the fixture

_ROLLUP = ("INSERT INTO counteroffer_result_rollups (dimension, segment, currency, day, key, requests, offered, "
           "dec_accept, dec_counter, dec_escalate, dec_decline, dec_approve, dec_rep_counter, dec_reject, deals, "
           "auto_deals, redeemed, asked_units, deal_units, deal_value, list_value, priced_value, floor_value, "
           "order_revenue, order_margin, margin_known, decided, sla_met) VALUES "
           "(:dimension, '*', 'USD', '2026-11-02', :key, 3, 2, 0, 2, 0, 0, 0, 0, 0, 1, 1, 1, 1000, 3000, "
           "330000, 360000, 330000, 288000, 330000, 90000, 1, 0, 0)")


def test_the_roll_ups_kept_so_far_count_as_single_lines(empty_url):  # noqa: F811
    engine = make_engine(empty_url)
    upgrade(engine, "0012_quotes")
    with engine.begin() as connection:
        connection.execute(text(_ROLLUP), {"dimension": "all", "key": "*"})
        connection.execute(text(_ROLLUP), {"dimension": "rule", "key": "volume_break"})
        connection.execute(text(
            "INSERT INTO counteroffer_result_cycles (dimension, segment, currency, day, key, cycle, bucket, count) "
            "VALUES ('all', '*', 'USD', '2026-11-02', '*', 'deal', 4, 1)"))
    upgrade(engine, "0016_quote_results")
    with engine.begin() as connection:
        kinds = connection.execute(text(
            "SELECT key, requests, deals, deal_value, extra_value FROM counteroffer_result_rollups "
            "WHERE dimension = 'kind'")).all()
        cycles = connection.execute(text(
            "SELECT key, cycle, bucket, count FROM counteroffer_result_cycles WHERE dimension = 'kind'")).all()
    assert [(k, r, d, int(v), int(x)) for k, r, d, v, x in kinds] == [("line", 3, 1, 330000, 0)]
    assert [tuple(c) for c in cycles] == [("line", "deal", 4, 1)]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        mine = [d for d in compare_metadata(context, metadata) if "result" in repr(d)]
    assert mine == []
    engine.dispose()
