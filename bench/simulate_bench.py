#!/usr/bin/env python3
"""What-if simulation benchmark: 100,000 requests, draft against live, through the job.

    .venv/bin/python bench/simulate_bench.py                  # 100,000 requests, SQLite
    .venv/bin/python bench/simulate_bench.py --requests 20000 --database postgresql+psycopg://...

A catalog of 2,000 SKUs (5 categories, 3 segments) with a floor and price breaks each, a
category term lever and a concession policy is published as version 1; the draft then
lowers the breaks of 10% of the SKUs. The requests (random SKU, segment, quantity and a
target 0-15% under list) are stored as an uploaded CSV would be, and ``run_simulation``
(what the worker runs for the job) is timed from start to finished result: reading the
requests, resolving products, both rule sets, the replay, progress writes, the result.

Goal: 100,000 requests in at most 10 seconds. The last line printed is one JSON object
with ``requests`` and ``seconds`` (and the decisions per second, the changed requests).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from flask import Flask  # noqa: E402

from counteroffer import Actor, CatalogItem, Counteroffer  # noqa: E402
from counteroffer.negotiation.pricing import rulesets  # noqa: E402
from counteroffer.negotiation.pricing.simulation import run_simulation, start_simulation  # noqa: E402

MANAGER = Actor(id="max@seller", role="manager", name="Max")
SEGMENTS = ("wholesale", "retail", "oem")
SKUS, CATEGORIES = 2000, 5


def _app(database: str, instance: Path) -> Flask:
    app = Flask("simulate-bench", instance_path=str(instance))
    app.config.update(COUNTEROFFER_DATABASE_URL=database)
    Counteroffer(app).user_loader(lambda: MANAGER)
    return app


def _catalog(extension: Counteroffer) -> None:
    extension.upgrade_database()
    extension.save_products(CatalogItem(sku=f"SKU-{i:05d}", name=f"Part {i}", currency="USD",
                                        list_price=Decimal(100 + i % 50), cost=Decimal(60 + i % 20),
                                        category=f"cat-{i % CATEGORIES}") for i in range(SKUS))
    for i in range(SKUS):
        sku, price = f"SKU-{i:05d}", 100 + i % 50
        extension.save_rule("floor", {"min_margin_pct": "15"}, sku=sku)
        extension.save_rule("price_breaks", {"breaks": [
            {"min_quantity": 500, "unit_price": str(price - 5)},
            {"min_quantity": 2000, "unit_price": str(price - 9)}]}, sku=sku)
    for c in range(CATEGORIES):
        extension.save_rule("term_lever", {"group": "payment", "option": "prepay",
                                           "label": "pay up front", "value_pct": "2"}, category=f"cat-{c}")
    extension.save_rule("concession", {"max_discount_pct": "6", "first_position_pct": "2"})


def _draft(extension: Counteroffer) -> None:
    deps = extension.deps
    page = rulesets.list_rules(deps, MANAGER, "draft" if _has_draft(extension) else _open(extension),
                               rulesets.RuleFilter(kind="price_breaks"), per_page=SKUS)
    for rule in page.items[: SKUS // 10]:
        steps = rule.params["breaks"]
        lower = [{"min_quantity": s["min_quantity"], "unit_price": str(Decimal(s["unit_price"]) - 3)}
                 for s in steps]
        rulesets.update_rule(deps, MANAGER, rule.id, {**_record(rule), "params": {"breaks": lower}})


def _has_draft(extension: Counteroffer) -> bool:
    return any(v.status == "draft" for v in rulesets.list_versions(extension.deps, MANAGER))


def _open(extension: Counteroffer) -> str:
    rulesets.open_draft(extension.deps, MANAGER)
    return "draft"


def _record(rule: rulesets.RuleView) -> dict:
    return {"kind": rule.kind, "sku": rule.sku, "category": rule.category,
            "segment": rule.segment, "priority": rule.priority}


def _requests(count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    asked = []
    for line in range(2, count + 2):
        i = rng.randrange(SKUS)
        price = Decimal(100 + i % 50)
        target = (price * (1 - Decimal(rng.randrange(0, 150)) / 1000)).quantize(Decimal("0.01"))
        asked.append({"line": line, "sku": f"SKU-{i:05d}", "quantity": rng.choice((10, 100, 300, 800, 1500, 2500)),
                      "target_unit_price": str(target), "segment": rng.choice(SEGMENTS)})
    return asked


def benchmark(count: int, database: str | None, work: Path) -> dict:
    app = _app(database or f"sqlite:///{work}/bench.sqlite3", work / "instance")
    with app.app_context():
        extension = app.extensions["counteroffer"]
        _catalog(extension)
        _draft(extension)
        simulation = start_simulation(extension.deps, MANAGER, requests=_requests(count))
        started = time.perf_counter()
        status = run_simulation(extension.deps, simulation.id)
        seconds = time.perf_counter() - started
        result = rulesets_result(extension, simulation.id)
        extension.close()
    if status != "done":
        raise SystemExit(f"simulation ended {status}")
    return {"requests": result["live"]["requests"], "seconds": round(seconds, 2),
            "requests_per_second": round(result["live"]["requests"] / seconds),
            "changed": result["changed"], "skipped": result["skipped"], "goal_seconds": 10}


def rulesets_result(extension: Counteroffer, simulation_id: str) -> dict:
    from counteroffer.negotiation.pricing.simulation import get_simulation

    return get_simulation(extension.deps, MANAGER, simulation_id).result or {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--database", help="SQLAlchemy URL (default: SQLite in a temp dir)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="counteroffer-simbench-") as work:
        result = benchmark(args.requests, args.database, Path(work))
    print(f"{result['requests']:,} requests simulated in {result['seconds']} s "
          f"({result['requests_per_second']:,}/s), {result['changed']:,} changed")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
