#!/usr/bin/env python3
"""What-if simulation benchmark: 100,000 requests and 10,000 quotes, draft against live, through the job.

    .venv/bin/python bench/simulate_bench.py                  # 100,000 requests, 10,000 quotes, SQLite
    .venv/bin/python bench/simulate_bench.py --requests 20000 --quotes 0 --database postgresql+psycopg://...

A catalog of 2,000 SKUs (5 categories, 3 segments) with a floor and price breaks each, a
category term lever and a concession policy is published as version 1; the draft then
lowers the breaks of 10% of the SKUs. The requests (random SKU, segment, quantity and a
target 0-15% under list) are stored as an uploaded CSV would be, and ``run_simulation``
(what the worker runs for the job) is timed from start to finished result: reading the
requests, resolving products, both rule sets, the replay, progress writes, the result.

Past quotes (issue 15): version 1 also has order tiers and an order floor, and 10,000
quotes of 10 lines are written as the shop writes them (a quote row and a bid per round:
1 round for 60%, 2 for 30%, 3 for 10%; an order target 0-15% off, or per-line targets for
30% of them; a last price paid on a fifth of the lines), so the same run replays them
after the lines, every round, each with the segment and last prices kept on its bid.

Goals: 100,000 requests in at most 10 seconds; with the 10,000 quotes, at most 15 seconds
in all. The last line printed is one JSON object with ``requests`` and ``seconds`` (and
the decisions per second, the changed requests), ``quotes`` (quotes replayed),
``quote_rounds``, ``quote_decisions`` (``decide_quote`` calls) and ``quote_seconds`` (the
quotes' share of ``seconds``: the run timed again without them, on the same data, and the
difference), with the CPU seconds of the same (``cpu_seconds``, ``quote_cpu_seconds``: on
a loaded machine the wall time is mostly waiting for a core; they include the processes
that replay the quotes, quote_processes.py) and the load average.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
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
    extension.save_rule("order_tiers", {"tiers": [{"min_order_value": "50000", "discount_pct": "2"},
                                                  {"min_order_value": "150000", "discount_pct": "3"}]})
    extension.save_rule("order_floor", {"min_margin_pct": "18"})


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


def _quotes(count: int, now: datetime, seed: int = 11) -> tuple[list[dict], list[dict]]:
    """Quote rows and their bids, as ``negotiation/quotes/requests.py`` writes them."""
    rng, quotes, bids = random.Random(seed), [], []
    for n in range(count):
        quote_id, at = f"q{n:031d}", now - timedelta(minutes=count - n)
        segment, rounds = rng.choice(SEGMENTS), rng.choices((1, 2, 3), (6, 3, 1))[0]
        chosen, per_line = rng.sample(range(SKUS), 10), rng.random() < 0.3
        quotes.append({"id": quote_id, "company_id": f"co-{n % 500}", "buyer_id": "buyer", "currency": "USD",
                       "status": "countered", "round": rounds, "cart_total": Decimal(0), "created_at": at,
                       "updated_at": at})
        paid = {f"SKU-{i:05d}": {"unit_price": str(100 + i % 50 - 4), "quantity": 200,
                                 "paid_at": (at - timedelta(days=40)).isoformat()}
                for i in chosen if rng.random() < 0.2}
        for round_ in range(1, rounds + 1):
            lines = [{"sku": f"SKU-{i:05d}", "quantity": rng.choice((10, 100, 300, 800, 1500, 2500)),
                      "target_unit_price": (str((Decimal(100 + i % 50) * rng.randint(70, 102) / 100)
                                                .quantize(Decimal("0.01"))) if per_line else None)}
                     for i in chosen]
            target = None if per_line else {"discount_pct": str(rng.randint(1, 15) + round_)}
            bids.append({"quote_id": quote_id, "round": round_, "lines": lines, "order_target": target,
                         "outcome": "counter", "reason": "", "created_at": at,
                         "buyer_context": {"segment": segment, "last_paid": paid}})
    return quotes, bids


def _store_quotes(extension: Counteroffer, count: int) -> int:
    from counteroffer.db import transaction
    from counteroffer.db.quotes import Quote, QuoteBid

    quotes, bids = _quotes(count, datetime.now(UTC))
    with transaction(extension.deps.session_factory) as session:
        for start in range(0, len(quotes), 5000):
            session.execute(Quote.__table__.insert(), quotes[start:start + 5000])
        for start in range(0, len(bids), 5000):
            session.execute(QuoteBid.__table__.insert(), bids[start:start + 5000])
    return len(bids)


def _cpu() -> float:
    """CPU seconds of this process and of its children that ended (the quotes' processes)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _timed_run(extension: Counteroffer, asked: list[dict], days: int | None) -> tuple[float, float, dict]:
    """Wall and CPU seconds of one run, and its result."""
    simulation = start_simulation(extension.deps, MANAGER, requests=asked, days=days)
    started, cpu = time.perf_counter(), _cpu()
    status = run_simulation(extension.deps, simulation.id)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    if status != "done":
        raise SystemExit(f"simulation ended {status}")
    return seconds, cpu, rulesets_result(extension, simulation.id)


def benchmark(count: int, database: str | None, work: Path, quotes: int = 10_000) -> dict:
    app = _app(database or f"sqlite:///{work}/bench.sqlite3", work / "instance")
    with app.app_context():
        extension = app.extensions["counteroffer"]
        _catalog(extension)
        _draft(extension)
        rounds = _store_quotes(extension, quotes) if quotes else 0
        asked = _requests(count)
        seconds, cpu, result = _timed_run(extension, asked, 30 if quotes else None)
        lines_only, lines_cpu, _ = _timed_run(extension, asked, None) if quotes else (seconds, cpu, result)
        extension.close()
    replayed = result.get("quotes", {}).get("live", {})
    return {"requests": result["live"]["requests"], "seconds": round(seconds, 2),
            "requests_per_second": round(result["live"]["requests"] / lines_only),
            "changed": result["changed"], "skipped": result["skipped"], "goal_seconds": 15 if quotes else 10,
            "lines_seconds": round(lines_only, 2), "quotes": replayed.get("quotes", 0),
            "quote_rounds": replayed.get("rounds", 0), "stored_quote_rounds": rounds,
            "quote_seconds": round(max(seconds - lines_only, 0), 2),
            "cpu_seconds": round(cpu, 2), "quote_cpu_seconds": round(max(cpu - lines_cpu, 0), 2),
            "load_average": round(os.getloadavg()[0], 2),
            "quotes_changed": result.get("quotes", {}).get("changed", 0),
            "quote_decisions": result.get("quotes", {}).get("decisions", 0)}


def rulesets_result(extension: Counteroffer, simulation_id: str) -> dict:
    from counteroffer.negotiation.pricing.simulation import get_simulation

    return get_simulation(extension.deps, MANAGER, simulation_id).result or {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--quotes", type=int, default=10_000, help="past 10-line quotes (0: lines only)")
    parser.add_argument("--database", help="SQLAlchemy URL (default: SQLite in a temp dir)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="counteroffer-simbench-") as work:
        result = benchmark(args.requests, args.database, Path(work), args.quotes)
    print(f"{result['requests']:,} requests and {result['quotes']:,} quotes ({result['quote_rounds']:,} rounds) "
          f"simulated in {result['seconds']} s (lines alone {result['lines_seconds']} s, "
          f"{result['requests_per_second']:,}/s), {result['changed']:,} requests and "
          f"{result['quotes_changed']:,} quote rounds changed")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
