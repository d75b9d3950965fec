"""Replaying price requests against two rule sets, side by side (the what-if simulation).

No database here: the caller resolves products and segments first (once per SKU and
company, not per request), so the loop only calls the engine and counts. A request whose
SKU resolves to the same rules and context on both sides is decided once: a draft usually
changes a few SKUs, so most requests cost one ``decide`` instead of two.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ...rules import Citation, CompiledRules, Decision, Outcome, Policy, PriceRequest, PricingContext, decide
from ..results.offer_values import OfferTotals, OfferValue, offer_value
from ..results.response_model import ResponseModel
from .forecast import Forecast

__all__ = ["Replayed", "Tally", "Comparison", "Figures", "figures", "replay", "same_rules", "SHOWN_CHANGES"]

#: Requests between progress writes (each a commit, and a look for a cancel): about a
#: second's work, so the bar moves and a cancel stops the run within a second or so.
PROGRESS_EVERY = 10_000
#: Changed requests listed in the result; the count covers all of them.
SHOWN_CHANGES = 200
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Replayed:
    """One request as the simulation sees it: the context is already resolved."""

    line: int  # the request's number (its line in a CSV, its order in history)
    sku: str
    quantity: int
    target: Decimal
    segment: str | None
    live_context: PricingContext
    draft_context: PricingContext
    #: Both sides resolve this SKU and segment to equal rules and context (worked out
    #: once per SKU and segment by the caller): one decision serves both.
    same: bool = False
    #: What the buyer told with the request (history only), as the live request passed it.
    citation: Citation | None = None
    needed_by: date | None = None


#: (outcome, segment, first offer's kind or None, the first offer valued as a deal or None)
Figures = tuple[str, str, "str | None", "OfferValue | None"]


def figures(request: Replayed, decision: Decision, rules: CompiledRules) -> Figures:
    """What one decision adds to a tally: worked out once, and shared by both sides when
    they decided alike. Valued as the dashboard values a deal (offer_values.py)."""
    outcome, segment = decision.outcome.value, request.segment or "(none)"
    value = offer_value(request.live_context, request.sku, request.quantity, decision)
    return outcome, segment, decision.offers[0].kind.value if value else None, value


@dataclass
class Tally:
    """What one rule set did with the requests."""

    requests: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    by_trade_off: Counter[str] = field(default_factory=Counter)
    by_segment: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    offered: OfferTotals = field(default_factory=OfferTotals)  # requests answered with an offer
    #: How many of those offers buyers would take (set when there is a response model).
    forecast: Forecast | None = None

    def add(self, figures: Figures) -> None:
        outcome, segment, kind, value = figures
        if self.forecast is not None:
            self.forecast.add(outcome, segment, kind, value)
        self.requests += 1
        self.outcomes[outcome] += 1
        self.by_segment[segment][outcome] += 1
        if value is None or kind is None:  # no offer: nothing more to count
            return
        self.by_trade_off[kind] += 1
        self.offered.add(value)

    def summary(self) -> dict[str, Any]:
        total = self.requests or 1
        return {
            "requests": self.requests,
            "shares": {o.value: _pct(Decimal(self.outcomes[o.value]), total) for o in Outcome},
            "counts": {o.value: self.outcomes[o.value] for o in Outcome},
            "offered": self.offered.offers,
            **self.offered.summary(),
            "by_trade_off": dict(sorted(self.by_trade_off.items())),
            "by_segment": {segment: {o.value: counts[o.value] for o in Outcome}
                           for segment, counts in sorted(self.by_segment.items())},
        }


def _pct(part: Decimal, whole: int) -> str:
    return str((part * HUNDRED / whole).quantize(Decimal("0.1")))


@dataclass
class Comparison:
    live: Tally = field(default_factory=Tally)
    draft: Tally = field(default_factory=Tally)
    changed: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)
    currency: str | None = None
    #: The buyers' response model fitted from history: the result then forecasts deals.
    model: ResponseModel | None = None

    def __post_init__(self) -> None:
        if self.model is not None:
            self.live.forecast, self.draft.forecast = Forecast(self.model), Forecast(self.model)

    def result(self) -> dict[str, Any]:
        found = {"currency": self.currency, "live": self.live.summary(), "draft": self.draft.summary(),
                 "changed": self.changed, "changes": self.changes}
        if self.model is not None and self.live.forecast is not None and self.draft.forecast is not None:
            found["forecast"] = {"history": self.model.describe(), "live": self.live.forecast.summary(),
                                 "draft": self.draft.forecast.summary()}
        return found


def replay(requests: Iterable[Replayed], live: CompiledRules, draft: CompiledRules,
           now: datetime, policy: Policy, comparison: Comparison,
           on_progress: Callable[[int], bool] | None = None, every: int = PROGRESS_EVERY) -> Comparison:
    """Decide each request with both rule sets into ``comparison``. ``on_progress(done)``
    is called every ``every`` requests; it returns False to stop (cancelled)."""
    done = 0
    for request in requests:
        before, after = _both(request, live, draft, now, policy)
        counted = figures(request, before, live)
        comparison.live.add(counted)
        comparison.draft.add(counted if after is before else figures(request, after, draft))
        comparison.currency = comparison.currency or request.live_context.currency
        if after is not before and _answer(before) != _answer(after):
            comparison.changed += 1
            if len(comparison.changes) < SHOWN_CHANGES:
                comparison.changes.append(_change(request, before, after))
        done += 1
        if on_progress is not None and done % every == 0 and not on_progress(done):
            break
    return comparison


def _both(request: Replayed, live: CompiledRules, draft: CompiledRules, now: datetime,
          policy: Policy) -> tuple[Decision, Decision]:
    asked = PriceRequest(request.sku, request.quantity, request.target, request.live_context.currency,
                         round=1, citation=request.citation, needed_by=request.needed_by)
    before = decide(asked, request.live_context, live, now, policy)
    if request.same:
        return before, before  # same rules, same facts: the same answer
    return before, decide(asked, request.draft_context, draft, now, policy)


def same_rules(live: CompiledRules, draft: CompiledRules, sku: str, category: str | None,
               segment: str | None) -> bool:
    return live.resolve(sku, category, segment) == draft.resolve(sku, category, segment)


def _answer(decision: Decision) -> tuple[Any, ...]:
    offer = decision.offers[0] if decision.offers else None
    return (decision.outcome, offer.kind if offer else None, offer.quantity if offer else None,
            offer.unit_price if offer else None)


def _change(request: Replayed, before: Decision, after: Decision) -> dict[str, Any]:
    return {"line": request.line, "sku": request.sku, "quantity": request.quantity,
            "target_unit_price": str(request.target), "segment": request.segment,
            "live": _described(before), "draft": _described(after)}


def _described(decision: Decision) -> dict[str, Any]:
    offer = decision.offers[0] if decision.offers else None
    return {"outcome": decision.outcome.value,
            "offer": None if offer is None else {"kind": offer.kind.value, "quantity": offer.quantity,
                                                 "unit_price": str(offer.unit_price),
                                                 "message": offer.message}}
