#!/usr/bin/env python3
"""Deal quality: does the engine earn more than the simple alternatives, with the same buyers?

    .venv/bin/python bench/deal_quality.py                     # 1,000 buyers per type, 30 to 75 s
    .venv/bin/python bench/deal_quality.py --buyers 200 --seed 7
    .venv/bin/python bench/deal_quality.py --ask-person --concession 18,20,0.2

Buyers (bench/deal_buyers.py: Boulware, linear and conceder, ``--buyers`` of each, drawn
from ``--seed``) negotiate for DEMO-120 with five sellers:

- **engine**: the plugin's own use cases, in-process (``request_price``, ``counter``,
  ``accept_offer``; ``list_escalations`` and ``decide_escalation`` for the person), on
  SQLite in a temporary folder, with the request cap off (``COUNTEROFFER_REQUEST_CAP=0``;
  rate limits are the web layer's and are set to 0 too) and every other setting at its
  default: the guard band above the floor (1% to 5% of list) and the concession jitter
  (up to 3%), keyed by a pricing secret derived from the seed. Each buyer is a company of
  its own (segment wholesale), so nobody has a last price paid. The shop is the reference
  shop of bench/deal_shop.py: the demo's DEMO-120 (list $120.00, cost $80.00, floor 20% over cost = $96.00, a
  break at 3,000 units for $110.00) plus two term levers the buyers value (the demo seeds
  none for DEMO-120), a concession rule and a routing rule.
- four baselines in pure Python (bench/deal_buyers.py): list price only; eBay-style (accept
  at 95% of the price or more, decline below the floor, else one counter at the midpoint);
  Nibble-style (linear from the price to 18% off over the rounds); a NegMAS aspiration
  seller (Boulware, exponent 4) with the floor as its reservation value.

Every seller gets the same rounds (``--rounds``, the plugin's default of 3): the buyer
bids, the seller answers, the buyer takes an offer or bids again.

**Escalations** are a person's work. With ``--escalations rep`` (the default) a simulated
rep decides at once through ``decide_escalation``: a target at or above the floor is
approved (the rep sees the true floor, not the guard price), one below it gets a counter
at the floor, which the buyer takes or not like any offer. With ``--escalations wait``
the buyer waits for no one: an escalation ends without a deal. Either way the negotiation
counts in ``share_needing_person``. With ``--ask-person`` a buyer left without an offer it
can take after the last round asks for a person (the buyer's ``escalate`` use case).
``--concession``, ``--guard`` and ``--jitter`` vary the shop's settings.

Printed per buyer type and seller: deal rate, margin per deal as a share of (list - cost),
total margin (unit price - cost, plus what the terms are worth to the seller, times the
units), extra units won (units over what the buyers wanted), rounds per negotiation, share
needing a person, deals below the floor. The last line is one JSON object:
``margin_vs_best_baseline`` (per type, the engine's total margin over the best baseline's;
the smallest over the three types; goal >= 1.15), ``deal_rate_vs_best_baseline`` (per
type, engine deal rate minus the best baseline's, in points; the smallest; goal >= 0),
``below_floor`` (the engine's deals under the floor; goal 0), ``share_needing_person``,
``per_type`` (every figure of the table), ``meets_goal``.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from flask import Flask  # noqa: E402

from bench.deal_buyers import BASELINES, Buyer, Quote, population  # noqa: E402
from bench.deal_shop import (  # noqa: E402
    COST,
    CURRENCY,
    FLOOR,
    LIST,
    SKU,
    TERMS,
    ShopSettings,
    price_for,
    reference_shop,
)
from counteroffer import Actor, CatalogItem, Counteroffer, Customer, Rep  # noqa: E402
from counteroffer.negotiation import (  # noqa: E402
    NegotiationView,
    accept_offer,
    counter,
    decide_escalation,
    escalate,
    get_negotiation,
    list_escalations,
    request_price,
)

REP = Actor("rep@shop", "rep", name="Bench Rep")
GOALS = {"margin_vs_best_baseline": 1.15, "deal_rate_vs_best_baseline": 0.0, "below_floor": 0}


@dataclass(frozen=True)
class Result:
    deal: Quote | None
    rounds: int
    person: bool = False


class EngineShop:
    """The plugin's use cases in-process: the seller every buyer meets first."""

    def __init__(self, work: Path, seed: int, settings: ShopSettings) -> None:
        app = Flask("deal-quality", instance_path=str(work / "instance"))
        app.config.update(COUNTEROFFER_DATABASE_URL=f"sqlite:///{work}/deal_quality.sqlite3",
                          SECRET_KEY=f"deal-quality-{seed}", COUNTEROFFER_PRICING_SECRET=f"deal-quality-{seed}",
                          COUNTEROFFER_REQUEST_CAP=0, COUNTEROFFER_RATE_LIMIT_PER_USER=0,
                          COUNTEROFFER_RATE_LIMIT_PER_COMPANY=0, COUNTEROFFER_MAX_ROUNDS=settings.rounds,
                          COUNTEROFFER_FLOOR_GUARD_PCT=settings.guard_pct,
                          COUNTEROFFER_CONCESSION_JITTER_PCT=settings.jitter_pct,
                          SESSION_COOKIE_SECURE=True)  # no web requests here; silences the plugin's warning
        self.app, self.extension, self.settings = app, Counteroffer(app), settings
        self.escalations, self.context = settings.escalations, app.app_context()
        self.context.push()
        self.deps = self.extension.deps

    def load(self, buyers: Iterable[Buyer]) -> None:
        ext = self.extension
        ext.upgrade_database()
        ext.save_products([CatalogItem(sku=SKU, name="Heavy-duty swivel caster", currency=CURRENCY,
                                       list_price=LIST, cost=COST)])
        ext.save_reps([Rep(REP.id, REP.name, "rep@shop.example", None, Decimal(30))])
        ext.save_customers(Customer(b.id, b.id, "wholesale", owner_rep=REP.id) for b in buyers)
        for kind, params, sku in reference_shop(self.settings):
            ext.save_rule(kind, params, sku=sku)

    def negotiate(self, buyer: Buyer) -> Result:
        actor = Actor(f"{buyer.id}@buyers", "buyer", buyer.id)
        view = request_price(self.deps, actor, SKU, buyer.quantity, buyer.bid(1), CURRENCY)
        round_, person, asked = 1, False, False
        while True:
            if view.status == "escalated":
                person = True
                if self.escalations == "wait":
                    return Result(None, round_, person)
                view = self._rep_decides(actor, view)
            if view.deal is not None:
                return Result(Quote(view.deal.unit_price, view.deal.quantity, _options(view.deal.terms)),
                              round_, person)
            offers = [o for o in view.offers if o.status == "open"]
            quotes = [Quote(o.unit_price, o.quantity, _options(o.terms)) for o in offers]
            chosen = buyer.choose(quotes, round_)
            if chosen is not None:
                deal = accept_offer(self.deps, actor, offers[quotes.index(chosen)].id)
                return Result(Quote(deal.unit_price, deal.quantity, _options(deal.terms)), round_, person)
            if round_ >= buyer.rounds and self.settings.ask_person and not asked:
                asked, view = True, escalate(self.deps, actor, view.id)  # the widget's "ask for a person"
                continue
            if round_ >= buyer.rounds:
                return Result(None, round_, person)
            round_ += 1
            view = counter(self.deps, actor, view.id, buyer.bid(round_))

    def _rep_decides(self, actor: Actor, view: NegotiationView) -> NegotiationView:
        """The simulated rep: approve at or above the floor, else counter at the floor."""
        escalation = next(e for e in list_escalations(self.deps, REP, "open") if e.negotiation_id == view.id)
        floor = escalation.floor if escalation.floor is not None else FLOOR
        if view.target_unit_price >= floor:
            decide_escalation(self.deps, REP, escalation.id, "approve", "bench rep: at or above the floor")
        else:
            decide_escalation(self.deps, REP, escalation.id, "counter", "bench rep: the floor is our best",
                              unit_price=floor, quantity=view.quantity)
        return get_negotiation(self.deps, actor, view.id)

    def close(self) -> None:
        self.extension.close()
        self.context.pop()


def _options(terms: Iterable[dict[str, str]]) -> frozenset[str]:
    return frozenset(term["option"] for term in terms)


def negotiate_baseline(name: str, buyer: Buyer) -> Result:
    seller = BASELINES[name](price=price_for(buyer.quantity), floor=FLOOR, quantity=buyer.quantity,
                             rounds=buyer.rounds)
    for round_ in range(1, buyer.rounds + 1):
        bid = buyer.bid(round_)
        answer = seller.answer(round_, bid)
        if answer.accept:
            return Result(Quote(bid, buyer.quantity), round_)
        chosen = buyer.choose(answer.quotes, round_)
        if chosen is not None:
            return Result(chosen, round_)
    return Result(None, buyer.rounds)


@dataclass
class Tally:
    """One seller's results with one buyer type."""

    buyers: int = 0
    deals: int = 0
    margin: Decimal = Decimal(0)
    margin_shares: Decimal = Decimal(0)
    extra_units: int = 0
    rounds: int = 0
    person: int = 0
    below_floor: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    results: list[tuple[Buyer, Result]] = field(default_factory=list)

    def add(self, buyer: Buyer, result: Result) -> None:
        self.results.append((buyer, result))
        self.buyers += 1
        self.rounds += result.rounds
        self.person += result.person
        deal = result.deal
        if deal is None:
            return
        per_unit = deal.unit_price - COST + TERMS.per_unit(deal.terms, deal.unit_price)
        self.deals += 1
        self.margin += margin_of(deal)
        self.margin_shares += per_unit / (LIST - COST)
        self.extra_units += deal.quantity - buyer.quantity
        self.below_floor += deal.unit_price < FLOOR
        kind = "+".join(sorted(deal.terms)) or ("volume" if deal.quantity > buyer.quantity else "price")
        self.kinds[kind] = self.kinds.get(kind, 0) + 1

    def figures(self) -> dict[str, Any]:
        share = self.margin_shares / self.deals if self.deals else Decimal(0)
        return {"deal_rate": round(self.deals / self.buyers, 4), "margin_share_per_deal": round(float(share), 4),
                "total_margin": round(float(self.margin), 2), "extra_units": self.extra_units,
                "rounds": round(self.rounds / self.buyers, 3),
                "share_needing_person": round(self.person / self.buyers, 4),
                "below_floor": self.below_floor, "deals": self.deals, "deal_kinds": dict(sorted(self.kinds.items()))}


def margin_of(deal: Quote | None) -> Decimal:
    """Unit price less cost, plus what the terms are worth to the seller, times the units."""
    if deal is None:
        return Decimal(0)
    return (deal.unit_price - COST + TERMS.per_unit(deal.terms, deal.unit_price)) * deal.quantity


def where_it_differs(engine: Tally, baseline: Tally) -> dict[str, Any]:
    """Buyer by buyer: deals only the baseline closes (what the engine loses), deals only the
    engine closes, and the margin of the deals both close."""
    lost, won, both = [], [], []
    for (buyer, ours), (_, theirs) in zip(engine.results, baseline.results, strict=True):
        if theirs.deal is not None and ours.deal is None:
            lost.append((buyer, theirs.deal))
        elif ours.deal is not None and theirs.deal is None:
            won.append(ours.deal)
        elif ours.deal is not None and theirs.deal is not None:
            both.append((ours.deal, theirs.deal))
    reservations = sorted(buyer.reservation for buyer, _ in lost)
    return {"lost_deals": len(lost), "lost_margin": round(float(sum(margin_of(d) for _, d in lost)), 2),
            "lost_reservation_range": [float(reservations[0]), float(reservations[-1])] if reservations else None,
            "won_deals": len(won), "won_margin": round(float(sum(margin_of(d) for d in won)), 2),
            "both_deals": len(both), "both_margin_engine": round(float(sum(margin_of(o) for o, _ in both)), 2),
            "both_margin_baseline": round(float(sum(margin_of(t) for _, t in both)), 2)}


def price_only_ceiling(tally: Tally) -> Decimal:
    """The most any seller earns without volume or terms: every buyer whose reservation
    reaches the floor pays its reservation, but never more than the catalog price."""
    return sum(((min(b.reservation, price_for(b.quantity)) - COST) * b.quantity
                for b, _ in tally.results if b.reservation >= FLOOR), Decimal(0))


SELLERS = ("engine", *BASELINES)


def run(buyers_per_type: int, seed: int, settings: ShopSettings, work: Path,
        progress: Callable[[str], None] = lambda line: None) -> dict[str, dict[str, Tally]]:
    people = population(buyers_per_type, seed, LIST, settings.rounds)
    tallies = {kind: {seller: Tally() for seller in SELLERS} for kind in people}
    shop = EngineShop(work, seed, settings)
    try:
        shop.load(b for group in people.values() for b in group)
        for kind, group in people.items():
            started = time.perf_counter()
            for buyer in group:
                tallies[kind]["engine"].add(buyer, shop.negotiate(buyer))
                for name in BASELINES:
                    tallies[kind][name].add(buyer, negotiate_baseline(name, buyer))
            progress(f"{kind}: {len(group)} buyers in {time.perf_counter() - started:.1f} s")
    finally:
        shop.close()
    return tallies


def summary(tallies: dict[str, dict[str, Tally]]) -> dict[str, Any]:
    per_type: dict[str, Any] = {}
    for kind, by_seller in tallies.items():
        figures = {seller: tally.figures() for seller, tally in by_seller.items()}
        engine = figures["engine"]
        best_margin = max(BASELINES, key=lambda s: figures[s]["total_margin"])
        best_rate = max(BASELINES, key=lambda s: figures[s]["deal_rate"])
        best = figures[best_margin]["total_margin"]
        per_type[kind] = {
            "margin_vs_best_baseline": round(engine["total_margin"] / best, 4) if best > 0 else None,
            "best_margin_baseline": best_margin,
            "deal_rate_vs_best_baseline": round((engine["deal_rate"] - figures[best_rate]["deal_rate"]) * 100, 2),
            "best_deal_rate_baseline": best_rate, "sellers": figures,
            "vs_best_margin_baseline": where_it_differs(by_seller["engine"], by_seller[best_margin]),
            "price_only_ceiling": round(float(price_only_ceiling(by_seller["engine"])), 2)}
    engines = [by_seller["engine"] for by_seller in tallies.values()]
    ratios = [t["margin_vs_best_baseline"] for t in per_type.values() if t["margin_vs_best_baseline"] is not None]
    found = {"margin_vs_best_baseline": min(ratios) if ratios else None,
             "deal_rate_vs_best_baseline": min(t["deal_rate_vs_best_baseline"] for t in per_type.values()),
             "below_floor": sum(t.below_floor for t in engines),
             "share_needing_person": round(sum(t.person for t in engines) / sum(t.buyers for t in engines), 4)}
    meets = {"margin": found["margin_vs_best_baseline"] is not None
             and found["margin_vs_best_baseline"] >= GOALS["margin_vs_best_baseline"],
             "deal_rate": found["deal_rate_vs_best_baseline"] >= GOALS["deal_rate_vs_best_baseline"],
             "below_floor": found["below_floor"] == GOALS["below_floor"]}
    return {**found, "per_type": per_type, "goals": GOALS, "meets_goal": {**meets, "all": all(meets.values())}}


def table(result: dict[str, Any]) -> str:
    head = (f"{'buyers':<9} {'seller':<11} {'deals':>6} {'margin/deal':>11} {'total margin':>13} "
            f"{'extra units':>11} {'rounds':>6} {'person':>6} {'<floor':>6}  deal kinds")
    lines = [head, "-" * len(head)]
    for kind, found in result["per_type"].items():
        for seller, f in found["sellers"].items():
            kinds = ", ".join(f"{k} {n}" for k, n in f["deal_kinds"].items())
            lines.append(f"{kind:<9} {seller:<11} {f['deal_rate']:>6.1%} {f['margin_share_per_deal']:>11.3f} "
                         f"{f['total_margin']:>13,.0f} {f['extra_units']:>11,} {f['rounds']:>6.2f} "
                         f"{f['share_needing_person']:>6.1%} {f['below_floor']:>6}  {kinds}")
        lines.append(f"{'':<9} engine / best baseline: margin x{found['margin_vs_best_baseline']} "
                     f"(vs {found['best_margin_baseline']}), deal rate {found['deal_rate_vs_best_baseline']:+.2f} "
                     f"points (vs {found['best_deal_rate_baseline']})")
        ceiling, best = found["price_only_ceiling"], found["best_margin_baseline"]
        lines.append(f"{'':<9} price-only ceiling {ceiling:,.0f}: engine "
                     f"{found['sellers']['engine']['total_margin'] / ceiling:.1%}, "
                     f"{best} {found['sellers'][best]['total_margin'] / ceiling:.1%}")
        d = found["vs_best_margin_baseline"]
        span = "" if d["lost_reservation_range"] is None else \
            " (reservations ${:.2f} to ${:.2f})".format(*d["lost_reservation_range"])
        lines.append(f"{'':<9} buyer by buyer vs {found['best_margin_baseline']}: engine loses {d['lost_deals']} deals"
                     f"{span} worth {d['lost_margin']:,.0f}, wins {d['won_deals']} worth {d['won_margin']:,.0f}; "
                     f"on the {d['both_deals']} both close it earns {d['both_margin_engine']:,.0f} "
                     f"against {d['both_margin_baseline']:,.0f}")
    return "\n".join(lines)


def _settings(args: argparse.Namespace) -> ShopSettings:
    concession = tuple(part.strip() for part in args.concession.split(","))
    if len(concession) != 3:
        raise SystemExit("--concession: three numbers, max discount %, first position %, exponent")
    try:
        routing = json.loads(args.routing) if args.routing else dict(ShopSettings().routing)
    except json.JSONDecodeError as error:
        raise SystemExit(f"--routing: not JSON ({error})") from None
    if not isinstance(routing, dict):
        raise SystemExit("--routing: a JSON object of the routing rule's params")
    return ShopSettings(rounds=args.rounds, concession=(concession[0], concession[1], concession[2]),
                        guard_pct=args.guard, jitter_pct=args.jitter, escalations=args.escalations,
                        ask_person=args.ask_person, routing=tuple(sorted(routing.items())))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=1000, help="buyers per type (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="draws the buyers and keys the shop's secret")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per negotiation (the plugin's default 3)")
    parser.add_argument("--escalations", choices=("rep", "wait"), default="rep",
                        help="rep: a simulated rep decides at once; wait: an escalation ends without a deal")
    parser.add_argument("--ask-person", action="store_true",
                        help="a buyer with no offer it can take after the last round asks for a person")
    defaults = ShopSettings()
    parser.add_argument("--concession", default=",".join(defaults.concession),
                        help="the concession rule: max discount %%, first position %%, exponent (18,20,1)")
    parser.add_argument("--guard", default=defaults.guard_pct, help="COUNTEROFFER_FLOOR_GUARD_PCT (1,5)")
    parser.add_argument("--jitter", default=defaults.jitter_pct, help="COUNTEROFFER_CONCESSION_JITTER_PCT (3)")
    parser.add_argument("--routing", default="",
                        help="the routing rule's params as JSON (default "
                             "'{\"auto_accept_within_pct\": \"2\", \"rep_reach_pct\": \"20\"}')")
    args = parser.parse_args(argv)
    if args.buyers < 1 or args.rounds < 2:
        parser.error("--buyers must be at least 1 and --rounds at least 2")
    settings = _settings(args)
    started = time.perf_counter()
    # SQLite in memory-backed /dev/shm where there is one: commits are fsyncs, and a shared
    # disk made their time (not the engine's) most of a run and swing between runs.
    shm = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="counteroffer-dealq-", dir=shm) as work:
        tallies = run(args.buyers, args.seed, settings, Path(work), progress=lambda line: print(line, flush=True))
    result = summary(tallies)
    print(table(result))
    print(json.dumps({"buyers_per_type": args.buyers, "seed": args.seed, "rounds": args.rounds,
                      "escalations": args.escalations, "ask_person": args.ask_person,
                      "concession": args.concession, "guard": args.guard,
                      "jitter": args.jitter, "routing": dict(settings.routing), **result,
                      "elapsed_s": round(time.perf_counter() - started, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
