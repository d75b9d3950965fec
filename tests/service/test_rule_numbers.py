"""A rule keeps its number from version to version (issue 22, item 7: "rule numbers that
change when a draft starts"). Starting a draft copies every rule into new rows; the
number a pricing manager sees is the first row's id, which every copy keeps."""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from counteroffer.adapters.rule_csv import RuleLine
from counteroffer.db import make_engine, upgrade
from counteroffer.negotiation.pricing import rulesets
from counteroffer.negotiation.pricing.rule_diff import diff_versions
from counteroffer.negotiation.pricing.rule_import import import_rule_lines
from tests.conftest import MANAGER, fresh_pg_schema

FLOOR_30 = {"kind": "floor", "category": "safety", "params": {"min_margin_pct": "30"}}


def _numbers(deps, ref: str) -> dict[tuple, int]:  # noqa: ANN001
    """scope -> number of every rule of a version."""
    rules = rulesets.list_rules(deps, MANAGER, ref, per_page=500).items
    return {(r.kind, r.sku, r.category, r.segment, r.priority): r.number for r in rules}


def _ids(deps, ref: str) -> set[int]:  # noqa: ANN001
    return {r.id for r in rulesets.list_rules(deps, MANAGER, ref, per_page=500).items}


def test_a_draft_publish_and_rollback_keep_each_rules_number(app) -> None:
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        live = _numbers(deps, "live")
        assert len(set(live.values())) == len(live) > 1  # one number per rule
        rulesets.open_draft(deps, MANAGER)
        assert _numbers(deps, "draft") == live
        assert _ids(deps, "draft").isdisjoint(_ids(deps, "live"))  # new rows, the same numbers

        breaks = next(r for r in rulesets.list_rules(deps, MANAGER, "draft", rulesets.RuleFilter(
            sku="DEMO-120", kind="price_breaks")).items)
        changed = rulesets.update_rule(deps, MANAGER, breaks.id, {
            "kind": "price_breaks", "sku": "DEMO-120", "priority": breaks.priority,
            "params": {"breaks": [{"min_quantity": 2000, "unit_price": "110.00"}]}})
        added = rulesets.create_rule(deps, MANAGER, FLOOR_30)
        assert changed.number == breaks.number
        assert added.number == added.id and added.number not in live.values()
        rulesets.publish(deps, MANAGER, "2,000 break")
        assert _numbers(deps, "2") == {**live, ("floor", None, "safety", None, 0): added.number}

        diff = diff_versions(deps, MANAGER, "1", "2")
        assert {(c.change, c.number) for c in diff.changes} == {
            ("changed", breaks.number), ("added", added.number)}

        rulesets.rollback(deps, MANAGER, "1")
        assert _numbers(deps, "3") == live
        rulesets.open_draft(deps, MANAGER)
        deleted = rulesets.delete_rule(deps, MANAGER, next(iter(_ids(deps, "draft"))))
        assert deleted.number in live.values()
        assert set(_numbers(deps, "draft").values()) == set(live.values()) - {deleted.number}


def test_a_rule_the_host_saves_has_one_number_in_the_live_version_and_the_draft(app) -> None:
    with app.app_context():
        extension = app.extensions["counteroffer"]
        deps = extension.deps
        rulesets.open_draft(deps, MANAGER)
        extension.save_rule("floor", {"min_margin_pct": "30"}, category="safety")
        scope = ("floor", None, "safety", None, 0)
        assert _numbers(deps, "live")[scope] == _numbers(deps, "draft")[scope]


def test_a_csv_import_numbers_new_rules_and_keeps_the_numbers_of_those_it_changes(app) -> None:
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        live = _numbers(deps, "live")
        breaks, floor = ("price_breaks", "DEMO-120", None, None, 0), ("floor", "DEMO-120", None, None, 0)
        new_breaks = ((2000, Decimal("110.00")),)
        import_rule_lines(deps, MANAGER, [RuleLine(2, "DEMO-120", None, None, new_breaks)])  # no floor: gone
        assert floor not in _numbers(deps, "draft")
        import_rule_lines(deps, MANAGER, [RuleLine(2, "DEMO-120", Decimal("25"), None, new_breaks)])
        draft = _numbers(deps, "draft")
        assert draft[breaks] == live[breaks]  # changed twice, the same rule
        assert draft[floor] not in live.values()  # written anew: a new rule, a new number


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/old.sqlite3"
        return
    with fresh_pg_schema("co_num") as url:
        yield url


def test_the_migration_numbers_a_drafts_copies_as_the_rules_they_copy(empty_url: str) -> None:
    """Before 0011 a draft's copies had only new ids: the migration matches each to the
    rule of the same kind, scope and priority in the version it was copied from."""
    engine = make_engine(empty_url)
    upgrade(engine, "0010_order_ref_stock")
    version = ("INSERT INTO counteroffer_rule_versions (id, number, status, based_on_id, revision, created_at, "
               "created_by) VALUES (:id, :number, :status, :based_on, 0, CURRENT_TIMESTAMP, 'max')")
    rule = ("INSERT INTO counteroffer_rules (id, version_id, kind, sku, priority, params) "
            "VALUES (:id, :version, :kind, :sku, 0, '{}')")
    with engine.begin() as connection:
        connection.execute(text(version), {"id": 1, "number": 1, "status": "published", "based_on": None})
        connection.execute(text(version), {"id": 2, "number": None, "status": "draft", "based_on": 1})
        for id_, version_id, kind, sku in ((1, 1, "floor", "A"), (2, 1, "price_breaks", "A"),
                                           (3, 2, "price_breaks", "A"), (4, 2, "floor", "A"), (5, 2, "floor", "B")):
            connection.execute(text(rule), {"id": id_, "version": version_id, "kind": kind, "sku": sku})
    upgrade(engine)
    with engine.connect() as connection:
        numbers = dict(connection.execute(text("SELECT id, number FROM counteroffer_rules")).all())
    assert numbers == {1: 1, 2: 2, 3: 2, 4: 1, 5: 5}
    engine.dispose()
