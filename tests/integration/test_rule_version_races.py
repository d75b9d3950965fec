"""Publishing races, on PostgreSQL only (SQLite ignores FOR UPDATE): concurrent publishes
and rollbacks queue on the live pointer, so version numbers never clash and the pointer
ends at the last one; concurrent first edits make one draft; concurrent save_rule calls
for one new scope store one rule."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlalchemy import func, select

from counteroffer.db import transaction
from counteroffer.db.rulesets import LiveRuleVersion, RuleVersion
from counteroffer.negotiation import ConflictError
from counteroffer.negotiation.pricing import rulesets
from tests.conftest import MANAGER
from tests.integration.test_races import pg_app  # noqa: F401 - the PostgreSQL app fixture

THREADS = 8


def _all_at_once(action):  # noqa: ANN001, ANN202
    barrier = Barrier(THREADS)

    def call(_: int) -> object:
        barrier.wait()
        try:
            return action()
        except ConflictError as error:
            return error

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(call, range(THREADS)))


def test_concurrent_rollbacks_get_distinct_numbers_and_the_pointer_the_last(pg_app):  # noqa: F811
    with pg_app.app_context():
        deps = pg_app.extensions["counteroffer"].deps
        results = _all_at_once(lambda: rulesets.rollback(deps, MANAGER, 1))
        with transaction(deps.session_factory) as session:
            numbers = sorted(session.scalars(select(RuleVersion.number)))
            live = session.scalar(select(LiveRuleVersion.version_id))
            newest = session.scalar(select(RuleVersion.id).where(RuleVersion.number == max(numbers)))
    assert all(not isinstance(r, Exception) for r in results)
    assert numbers == list(range(1, THREADS + 2))
    assert live == newest


def test_concurrent_first_edits_make_one_draft(pg_app):  # noqa: F811
    with pg_app.app_context():
        deps = pg_app.extensions["counteroffer"].deps
        results = _all_at_once(lambda: rulesets.open_draft(deps, MANAGER))
        with transaction(deps.session_factory) as session:
            drafts = session.scalar(select(func.count()).select_from(RuleVersion).where(RuleVersion.status == "draft"))
    assert drafts == 1
    opened = [r for r in results if not isinstance(r, Exception)]
    assert opened and len({r.id for r in opened}) == 1  # the others were told to reload (409)


def test_a_publish_waits_for_an_edit_in_flight_and_later_edits_are_refused(pg_app):  # noqa: F811
    import threading
    import time

    import pytest
    from sqlalchemy import update

    from counteroffer.db.models import Rule

    with pg_app.app_context():
        deps = pg_app.extensions["counteroffer"].deps
        rulesets.open_draft(deps, MANAGER)
        breaks = rulesets.RuleFilter(sku="DEMO-120", kind="price_breaks")
        rule = rulesets.list_rules(deps, MANAGER, "draft", breaks).items[0]
        edit = deps.session_factory()  # an edit in flight: it holds the draft's row
        edit.execute(select(RuleVersion).where(RuleVersion.status == "draft").with_for_update())
        published: dict[str, object] = {}
        publisher = threading.Thread(target=lambda: published.setdefault("version", rulesets.publish(deps, MANAGER)))
        publisher.start()
        time.sleep(0.5)
        assert "version" not in published  # waiting for the edit
        edit.execute(update(Rule).where(Rule.id == rule.id).values(
            params={"breaks": [{"min_quantity": 2000, "unit_price": "110.00"}]}))
        edit.commit()
        edit.close()
        publisher.join(timeout=10)
        assert published["version"].number == 2
        live = rulesets.list_rules(deps, MANAGER, "live", rulesets.RuleFilter(sku="DEMO-120", kind="price_breaks"))
        assert live.items[0].params["breaks"][0]["min_quantity"] == 2000  # the edit went out with it
        with pytest.raises(ConflictError):
            breaks_at_10 = {"breaks": [{"min_quantity": 10, "unit_price": "1"}]}
            rulesets.update_rule(deps, MANAGER, rule.id, {"kind": "price_breaks", "sku": "DEMO-120",
                                                          "params": breaks_at_10})


def test_concurrent_save_rules_for_one_scope_store_one_rule(pg_app):  # noqa: F811
    """Two workers running a shop's start-up code at once: one rule per scope still."""
    from counteroffer.db.models import Rule
    from counteroffer.negotiation.pricing import setup

    with pg_app.app_context():
        deps = pg_app.extensions["counteroffer"].deps
        params = {"breaks": [{"min_quantity": 2000, "unit_price": "112.00"}]}
        # A scope with no rule yet, so every thread would insert one.
        results = _all_at_once(lambda: setup.save_rule(deps, "price_breaks", params, sku="DEMO-120",
                                                       segment="wholesale"))
        with transaction(deps.session_factory) as session:
            rows = list(session.scalars(select(Rule).where(Rule.kind == "price_breaks", Rule.sku == "DEMO-120",
                                                           Rule.segment == "wholesale")))
    assert all(not isinstance(r, Exception) for r in results)
    assert [rule.params for rule in rows] == [params]
