#!/usr/bin/env python3
"""Floor probing, measured: what buyers who use only the buyer API learn of floors and costs.

    .venv/bin/python bench/probing.py                      # 50 SKUs, 20 companies, SQLite
    .venv/bin/python bench/probing.py --skus 10 --companies 5 --database postgresql+psycopg://...

A shop of ``--skus`` products, each with its own list price, cost, margin floor and a
price break at 3,000 units; every third one also has a concession rule (down to 40% off,
so its last counter meets the guard price) and every other one a payment term lever.
``--companies`` companies attack every SKU, each within the request cap (20 requests per
company and SKU a day, the default) and through the JSON API only (the Flask test
client). The cap leaves a company one of two plans per SKU; they take turns:

- **status** (15 requests): bisection of the target at 100 units on "answered by the
  engine" (open or countered) against "sent to a person or declined"; the estimate of
  the floor is the lowest target the engine answered. Then four **quantity** probes at
  1,000 units just above that boundary: each margin-neutral volume offer (a volume offer
  at the target price) bounds the cost, since its quantity is the smallest q with
  (target - cost) x q >= (price - cost) x 1,000; the bounds are intersected and their
  middle is the estimate of the cost. Then one negotiation played over all its rounds
  (counters do not count on the cap), for the lowest concession.
- **decline** (20 requests): bisection on "declined" against anything else; the estimate
  is the line found divided by 0.9 (the documented default reach of 10% below the floor).

Every answer also feeds **offer price**: the lowest unit price of any offer the engine
made to that company is an estimate of the floor.

Each company alone is one trial; the 20 companies pooling what they learnt (the lowest
estimate of the floor, the lowest of the cost) is another. The whole attack runs twice:
with the guard price off (``(0, 0)``, the engine as it shipped) and with the configured
band (``COUNTEROFFER_FLOOR_GUARD_PCT``, 1% to 5% of list by default). Honest requests
(targets between the top of the band and the price) measure how much the guard costs
automation. Response times are kept per answer, to see whether an escalation in the band
takes longer or shorter than one below the floor.

An attacker who also knows the band's low end (the documented default is 1%) can take
it off the pooled estimate: ``informed_pool_floor_error_pct_p5`` measures that attacker,
which the guard does not stop; docs/security.md says what a shop does about it.

The last line printed is one JSON object: ``floor_error_pct_p5`` (over all SKUs and
trials, the 5th percentile of |estimate - floor| as % of list, the attacker's best
method; goal >= 1.0), ``cost_error_pct_p5`` (the same for the cost; goal >= 1.0),
``requests_per_sku``, ``automation_kept`` (share of honest requests settled without a
person, guarded over unguarded; goal >= 0.95), the same errors without the guard, and the
timing ratios.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from flask import Flask, g  # noqa: E402

from counteroffer import Actor, CatalogItem, Counteroffer, Customer  # noqa: E402

QUANTITY, PROBE_QUANTITY, BREAK_AT, REACH = 100, 1000, 3000, Decimal("0.9")
CENT, HUNDRED = Decimal("0.01"), Decimal(100)
AUTOMATIC = {"open", "countered"}
BUDGET = 20  # the default request cap per company and SKU
STRATEGIES = ("status", "decline")  # companies take turns: each has the cap for one


@dataclass(frozen=True)
class Product:
    sku: str
    list_price: Decimal
    cost: Decimal
    margin_pct: Decimal
    break_price: Decimal
    concession: bool
    lever: bool

    @property
    def floor(self) -> Decimal:
        return (self.cost * (1 + self.margin_pct / HUNDRED)).quantize(CENT, rounding=ROUND_CEILING)


def products(count: int, seed: int = 11) -> list[Product]:
    rng = random.Random(seed)
    found = []
    for i in range(count):
        list_price = Decimal(rng.randrange(4000, 40000)) / 100
        floor_share = Decimal(rng.randrange(60, 86)) / 100
        cost = (list_price * Decimal(rng.randrange(40, int(floor_share * 100) - 4)) / 100).quantize(CENT)
        margin = ((list_price * floor_share / cost - 1) * HUNDRED).quantize(CENT)
        break_price = (list_price * Decimal("0.93")).quantize(CENT)
        found.append(Product(f"P-{i:03d}", list_price, cost, margin, break_price,
                             concession=i % 3 == 0, lever=i % 2 == 0))
    return found


@dataclass
class Trial:
    """What one company (or a pool of them) learnt of one SKU."""

    status: Decimal | None = None  # lowest target the engine answered on its own
    decline_line: Decimal | None = None  # highest target declined
    lowest_offer: Decimal | None = None
    cost_low: Decimal = Decimal(0)
    cost_high: Decimal | None = None
    requests: int = 0

    def floor_estimates(self) -> dict[str, Decimal]:
        found = {"status": self.status, "offer_price": self.lowest_offer,
                 "decline": self.decline_line / REACH if self.decline_line else None}
        return {method: value for method, value in found.items() if value is not None}

    def cost_estimate(self) -> Decimal | None:
        if self.cost_high is None:
            return None
        return (self.cost_low + self.cost_high) / 2


@dataclass
class Timings:
    by_answer: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def median(self, answer: str) -> float | None:
        values = self.by_answer.get(answer)
        return statistics.median(values) if values else None


class Shop:
    """The plugin in a bare host, asked through its JSON API as whichever buyer."""

    def __init__(self, database: str, instance: Path, band: str, secret: str) -> None:
        app = Flask(f"probing-{band}", instance_path=str(instance))
        app.config.update(COUNTEROFFER_DATABASE_URL=database, SECRET_KEY=secret,
                          COUNTEROFFER_FLOOR_GUARD_PCT=band, COUNTEROFFER_RATE_LIMIT_PER_USER=0,
                          COUNTEROFFER_RATE_LIMIT_PER_COMPANY=0)
        extension = Counteroffer(app)
        extension.user_loader(lambda: getattr(g, "actor", None) or app.config.get("BENCH_ACTOR"))
        self.app, self.extension, self.client = app, extension, app.test_client()
        self.timings, self.floors = Timings(), {}

    def load(self, catalog: list[Product], companies: list[str]) -> None:
        self.floors = {p.sku: p.floor for p in catalog}
        with self.app.app_context():
            ext = self.extension
            ext.upgrade_database()
            ext.save_products(CatalogItem(sku=p.sku, name=p.sku, currency="USD", list_price=p.list_price,
                                          cost=p.cost) for p in catalog)
            ext.save_customers(Customer(c, c) for c in companies)
            for p in catalog:
                ext.save_rule("floor", {"min_margin_pct": str(p.margin_pct)}, sku=p.sku)
                ext.save_rule("price_breaks", {"breaks": [{"min_quantity": BREAK_AT,
                                                           "unit_price": str(p.break_price)}]}, sku=p.sku)
                if p.concession:
                    ext.save_rule("concession", {"max_discount_pct": "40", "rounds": 3}, sku=p.sku)
                if p.lever:
                    ext.save_rule("term_lever", {"group": "payment", "option": "prepay",
                                                 "label": "pay up front", "value_pct": "2"}, sku=p.sku)

    def ask(self, company: str, body: dict, path: str = "/requests") -> dict:
        self.app.config["BENCH_ACTOR"] = Actor(id=f"buyer@{company}", role="buyer", company_id=company)
        started = time.perf_counter()
        response = self.client.post("/negotiate/api" + path, json=body)
        elapsed = time.perf_counter() - started
        answer = response.get_json() or {}
        if response.status_code >= 500 or response.status_code == 429:
            raise SystemExit(f"{company} {path} {body}: {response.status_code} {answer}")
        if response.status_code < 300:
            self.timings.by_answer[self._answer_kind(body, answer)].append(elapsed)
        return answer if response.status_code < 300 else {}

    def _answer_kind(self, body: dict, answer: dict) -> str:
        """The status, and for an escalation whether the target was at or above the true
        floor (between it and the guard price) or below: the two must not differ in time."""
        status = answer.get("status", "?")
        if status != "escalated" or "sku" not in body:
            return status
        above = Decimal(body["target_unit_price"]) >= self.floors[body["sku"]]
        return "escalated_above_floor" if above else "escalated_below_floor"

    def close(self) -> None:
        with self.app.app_context():
            self.extension.close()


def _request(product: Product, target: Decimal, quantity: int = QUANTITY) -> dict:
    return {"sku": product.sku, "quantity": quantity, "target_unit_price": str(target), "currency": "USD"}


def _learn(trial: Trial, product: Product, answer: dict, target: Decimal, quantity: int) -> None:
    for offer in answer.get("offers", ()):
        price = Decimal(offer["unit_price"])
        trial.lowest_offer = price if trial.lowest_offer is None else min(trial.lowest_offer, price)
        if offer["kind"] == "volume" and price == target and offer["sku"] == product.sku:
            _bound_cost(trial, product.list_price, target, quantity, int(offer["quantity"]))


def _bound_cost(trial: Trial, price: Decimal, target: Decimal, asked: int, total: int) -> None:
    """total = ceil(asked * (price - c) / (target - c)): two bounds on c."""
    high = (total * target - asked * price) / (total - asked)
    trial.cost_high = high if trial.cost_high is None else min(trial.cost_high, high)
    if total - 1 > asked:
        low = ((total - 1) * target - asked * price) / (total - 1 - asked)
        trial.cost_low = max(trial.cost_low, low)


def attack(shop: Shop, product: Product, company: str, strategy: str) -> Trial:
    """One company's 20 requests on one SKU: bisection on the engine answering or not,
    then quantity probes and a concession played out ("status"), or bisection on the
    decline line ("decline"). The cap allows one of them per company and SKU a day."""
    trial = Trial()

    def ask(target: Decimal, quantity: int = QUANTITY) -> dict:
        trial.requests += 1
        answer = shop.ask(company, _request(product, target, quantity))
        _learn(trial, product, answer, target, quantity)
        return answer

    if strategy == "decline":
        line, _ = _bisect(ask, product.list_price, BUDGET, lambda answer: answer.get("status") != "declined")
        trial.decline_line = line if line > 0 else None
        return trial
    _, edge = _bisect(ask, product.list_price, BUDGET - 5, lambda answer: answer.get("status") in AUTOMATIC)
    trial.status = edge if edge < product.list_price else None
    _play_rounds(shop, trial, product, company, ask, edge)
    return trial


def _bisect(ask: Callable[..., dict], top: Decimal, steps: int,
            above: Callable[[dict], bool]) -> tuple[Decimal, Decimal]:
    """The boundary in (0, top): the highest target found below it and the lowest found
    on the ``above`` side (to the cent once the budget allows)."""
    low, high = Decimal(0), top
    for _ in range(steps):
        middle = ((low + high) / 2).quantize(CENT)
        if middle in (low, high):
            break  # found to the cent: the rest of the budget is not needed
        if above(ask(middle)):
            high = middle
        else:
            low = middle
    return low, high


def _play_rounds(shop: Shop, trial: Trial, product: Product, company: str,
                 ask: Callable[..., dict], edge: Decimal) -> None:
    """Quantity probes just above the boundary (1,000 units: large totals bound the cost
    tightly), and a concession negotiation played to its last round (counters are rounds
    of one request: they do not count on the cap)."""
    for step in ("1.001", "1.004", "1.01", "1.03"):
        ask(min(product.list_price - CENT, (edge * Decimal(step)).quantize(CENT)), PROBE_QUANTITY)
    target = (edge * Decimal("0.95")).quantize(CENT)
    opened = ask(target)
    for _ in range(2):
        if opened.get("status") != "countered":
            return
        opened = shop.ask(company, {"target_unit_price": str(target)}, f"/requests/{opened['id']}/counter")
        _learn(trial, product, opened, target, QUANTITY)


def pooled(trials: list[Trial]) -> Trial:
    pool = Trial(requests=sum(t.requests for t in trials))
    pool.status = min((t.status for t in trials if t.status), default=None)
    pool.decline_line = min((t.decline_line for t in trials if t.decline_line), default=None)
    pool.lowest_offer = min((t.lowest_offer for t in trials if t.lowest_offer), default=None)
    costs = [t.cost_estimate() for t in trials if t.cost_estimate() is not None]
    if costs:  # every company's bound is on its own guarded cost: the lowest is nearest
        pool.cost_high = pool.cost_low = min(costs)
    return pool


def honest_automation(shop: Shop, catalog: list[Product], per_sku: int, band_top_pct: Decimal) -> float:
    """Share of honest requests (targets between the top of the band above the floor and
    the price) that the engine settles on its own."""
    rng, settled, total = random.Random(5), 0, 0
    for product in catalog:
        lowest = product.floor + product.list_price * band_top_pct / HUNDRED
        for n in range(per_sku):
            target = (lowest + (product.list_price - lowest) * Decimal(rng.random())).quantize(CENT)
            answer = shop.ask(f"honest-{n}", _request(product, target, rng.choice((20, 100, 400, 1500))))
            settled += answer.get("status") in AUTOMATIC
            total += 1
    return settled / total


def errors_pct(estimates: list[tuple[Product, dict[str, Decimal]]]) -> dict[str, float]:
    by_method: dict[str, list[float]] = defaultdict(list)
    for product, found in estimates:
        for method, value in found.items():
            truth = product.floor if method != "cost" else product.cost
            by_method[method].append(float(abs(value - truth) / product.list_price * HUNDRED))
    return {method: _p5(values) for method, values in by_method.items()}


def _p5(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, int(len(ordered) * 0.05) - 1)] if len(ordered) < 20
                 else statistics.quantiles(ordered, n=20)[0], 3)


def run(band: str, catalog: list[Product], companies: list[str], database: str, work: Path,
        honest_per_sku: int, seed: int) -> dict:
    shop = Shop(database, work / f"instance-{band}", band, f"probing-bench-{seed}")
    shop.load(catalog, companies + [f"honest-{n}" for n in range(honest_per_sku)])
    floors, costs, informed, requests = [], [], [], 0
    low = Decimal(band.split(",")[0])
    with shop.app.app_context():
        for product in catalog:
            trials = [attack(shop, product, company, STRATEGIES[n % 2]) for n, company in enumerate(companies)]
            requests += sum(t.requests for t in trials)
            pool = pooled(trials)
            informed.append((product, {method: value - product.list_price * low / HUNDRED
                                       for method, value in pool.floor_estimates().items()}))
            for trial in (*trials, pool):
                floors.append((product, trial.floor_estimates()))
                if trial.cost_estimate() is not None:
                    costs.append((product, {"cost": trial.cost_estimate()}))
        top = Decimal(band.split(",")[1])
        automation = honest_automation(shop, catalog, honest_per_sku, top)
    shop.close()
    floor_errors = errors_pct(floors)
    informed_errors = errors_pct(informed)
    return {"floor_by_method": floor_errors, "floor_p5": min(floor_errors.values()),
            "informed_p5": min(informed_errors.values()),
            "cost_p5": errors_pct(costs).get("cost"), "cost_trials": len(costs),
            "requests_per_sku": requests / len(catalog), "automation": automation,
            "timings": shop.timings, "requests_per_company_sku": requests / len(catalog) / len(companies)}


def _timing_ratios(timings: Timings) -> dict[str, float | None]:
    kinds = ("countered", "escalated_above_floor", "escalated_below_floor", "declined")
    medians = {kind: timings.median(kind) for kind in kinds}
    found: dict[str, float | None] = {f"{kind}_ms_p50": round(value * 1000, 2) if value else None
                                      for kind, value in medians.items()}
    found["escalated_above_over_below_floor"] = _ratio(medians["escalated_above_floor"],
                                                       medians["escalated_below_floor"])
    found["escalated_over_countered"] = _ratio(medians["escalated_above_floor"], medians["countered"])
    return found


def _ratio(part: float | None, whole: float | None) -> float | None:
    return round(part / whole, 3) if part and whole else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=50)
    parser.add_argument("--companies", type=int, default=20)
    parser.add_argument("--honest", type=int, default=10, help="honest requests per SKU")
    parser.add_argument("--band", default="1,5", help="COUNTEROFFER_FLOOR_GUARD_PCT (low,high)")
    parser.add_argument("--database", help="SQLAlchemy URL (default: SQLite in a temp dir)")
    parser.add_argument("--seed", type=int, default=11,
                        help="draws the catalog and the shop's secret (so each company's guard)")
    args = parser.parse_args(argv)
    catalog = products(args.skus, args.seed)
    companies = [f"co-{n:02d}" for n in range(args.companies)]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="counteroffer-probing-") as work:
        results = {}
        for name, band in (("unguarded", "0,0"), ("guarded", args.band)):
            database = args.database or f"sqlite:///{work}/{name}.sqlite3"
            results[name] = run(band, catalog, companies, database, Path(work), args.honest, args.seed)
            print(f"{name:>9}: floor error p5 by method {results[name]['floor_by_method']} (% of list); "
                  f"cost error p5 {results[name]['cost_p5']} over {results[name]['cost_trials']} trials; "
                  f"honest requests settled by the engine {results[name]['automation']:.3f}; "
                  f"{results[name]['requests_per_sku']:.0f} requests per SKU")
    before, after = results["unguarded"], results["guarded"]
    timing = _timing_ratios(after["timings"])
    print(f"guarded answers, median ms: {timing}")
    print(json.dumps({
        "skus": args.skus, "companies": args.companies, "band_pct": args.band, "seed": args.seed,
        "floor_error_pct_p5": after["floor_p5"], "cost_error_pct_p5": after["cost_p5"],
        "requests_per_sku": round(after["requests_per_sku"], 1),
        "requests_per_company_and_sku": round(after["requests_per_company_sku"], 1),
        "automation_kept": round(after["automation"] / before["automation"], 3),
        "informed_pool_floor_error_pct_p5": after["informed_p5"],
        "unguarded_floor_error_pct_p5": before["floor_p5"], "unguarded_cost_error_pct_p5": before["cost_p5"],
        **timing, "seconds": round(time.perf_counter() - started, 1),
        "goals": {"floor_error_pct_p5": ">= 1.0", "cost_error_pct_p5": ">= 1.0", "automation_kept": ">= 0.95"},
        "meets_goals": bool(after["floor_p5"] >= 1.0 and (after["cost_p5"] or 99) >= 1.0
                            and after["automation"] / before["automation"] >= 0.95)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
