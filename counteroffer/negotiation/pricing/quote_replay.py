"""Replaying past quotes against two rule sets, side by side (the what-if simulation).

No database here (``quote_history.py`` reads and resolves the quotes first). Every round
that was played is asked again, in order, with ``decide_quote``; each side carries its
own earlier offers from round to round, as the live quote did, so a draft that conceded
more in round 1 is held to it in round 2. A quote whose lines all resolve to the same
rules and contexts on both sides, under the same order rules, is decided once.
Rounds are decided unworded (``decide_quote(worded=False)``: the same decisions, without
the buyer's and the rep's words, a quarter of a decision's time); only the few changed
rounds listed are decided again with their words, for their messages.

Each round's answer is valued as the dashboard values a quote's deal (docs/results.md):
the accepted quote, or the best offer for the seller, as if it were taken.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ...rules import CompiledRules, Outcome, Policy
from ...rules.quotes import (
    EarlierQuoteLine,
    EarlierQuoteOffer,
    OrderTarget,
    QuoteCitation,
    QuoteDecision,
    QuoteLine,
    QuoteOffer,
    QuoteRequest,
    decide_quote,
)
from ..results.offer_values import OfferTotals, OfferValue

__all__ = ["ReplayedRound", "ReplayedQuote", "QuoteTally", "QuoteComparison",
           "replay_quotes", "same_order_rules", "merge", "SHOWN_QUOTE_CHANGES"]

#: Changed rounds listed in the result; the count covers all of them.
SHOWN_QUOTE_CHANGES = 100
#: Quotes between progress calls (each a commit and a look for a cancel).
QUOTE_PROGRESS_EVERY = 1_000
#: Each quote's concession draw is secret per quote (buying/limits.py): the replay decides
#: at the middle of the range, as it decides guard prices at the middle of the band.
MIDDLE_JITTER = Decimal("0.5")
HUNDRED = Decimal(100)
#: Every running sum of ``OfferTotals`` (exact: ints and Decimals, so added in any grouping).
OFFER_SUMS = tuple(f.name for f in fields(OfferTotals))


@dataclass(frozen=True, slots=True)
class ReplayedRound:
    """One round as it was asked: its lines framed for each side (the same SKUs,
    quantities and targets; each side's own context), ready for ``decide_quote``."""

    round: int
    live_lines: tuple[QuoteLine, ...]
    draft_lines: tuple[QuoteLine, ...]
    order_target: OrderTarget | None
    segment: str | None
    #: What the buyer told with the round, as the live round passed it (quote_history.py).
    citation: QuoteCitation | None = None
    needed_by: date | None = None

    @property
    def asked_units(self) -> int:
        return sum(line.quantity for line in self.live_lines)


@dataclass(frozen=True, slots=True)
class ReplayedQuote:
    quote_id: str
    currency: str
    rounds: tuple[ReplayedRound, ...]
    #: Every line alike on both sides and the same order rules: one decision serves both.
    same: bool = False


def same_order_rules(live: CompiledRules, draft: CompiledRules) -> bool:
    return tuple(live.rules.order_rules()) == tuple(draft.rules.order_rules())


def _answered(decision: QuoteDecision) -> QuoteOffer | None:
    """The quote this round would end in if the buyer took it: the accepted one, or the
    best offer for the seller."""
    if decision.outcome is Outcome.ACCEPT:
        return decision.accepted
    return decision.offers[0] if decision.offers else None


def quote_value(lines: tuple[QuoteLine, ...], decision: QuoteDecision) -> OfferValue | None:
    """The round's answer as a deal, against the contexts ``lines`` were decided with."""
    offer = _answered(decision)
    if offer is None:
        return None
    contexts = {line.sku: line.context for line in lines}
    list_value = paid = cost = floor = Decimal(0)
    costs_known = floors_known = True
    units = 0
    for line in offer.lines:
        context = contexts[line.sku]
        units += line.quantity
        list_value += context.list_price * line.quantity
        paid += line.unit_price * line.quantity
        costs_known = costs_known and context.cost_known
        cost += context.cost * line.quantity
        line_floor = decision.floors.get(line.sku)
        floors_known = floors_known and line_floor is not None
        floor += (line_floor or Decimal(0)) * line.quantity
    return OfferValue(units=units, asked=sum(line.quantity for line in lines), list_value=list_value,
                      paid=paid, floor_value=floor if floors_known else None,
                      cost_value=cost if costs_known else None)


@dataclass
class QuoteTally:
    """What one rule set did with the quotes' rounds."""

    quotes: int = 0
    rounds: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    by_trade_off: Counter[str] = field(default_factory=Counter)
    offered: OfferTotals = field(default_factory=OfferTotals)

    def add(self, decision: QuoteDecision, value: OfferValue | None) -> None:
        self.rounds += 1
        self.outcomes[decision.outcome.value] += 1
        offer = _answered(decision)
        if value is None or offer is None:
            return
        self.by_trade_off[offer.kind.value] += 1
        self.offered.add(value)

    def summary(self) -> dict[str, Any]:
        total = self.rounds or 1
        return {
            "quotes": self.quotes, "rounds": self.rounds,
            "shares": {o.value: str((Decimal(self.outcomes[o.value]) * HUNDRED / total).quantize(Decimal("0.1")))
                       for o in Outcome},
            "counts": {o.value: self.outcomes[o.value] for o in Outcome},
            "offered": self.offered.offers, **self.offered.summary(),
            "by_trade_off": dict(sorted(self.by_trade_off.items())),
        }


@dataclass
class QuoteComparison:
    live: QuoteTally = field(default_factory=QuoteTally)
    draft: QuoteTally = field(default_factory=QuoteTally)
    changed: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)
    currency: str | None = None
    #: Engine decisions made: a round alike on both sides is decided once.
    decisions: int = 0

    def result(self) -> dict[str, Any]:
        return {"currency": self.currency, "live": self.live.summary(), "draft": self.draft.summary(),
                "changed": self.changed, "changes": self.changes, "decisions": self.decisions}


def merge(into: QuoteComparison, later: QuoteComparison) -> None:
    """``later`` (the quotes after those of ``into``) added to ``into``: what one
    ``replay_quotes`` over both runs of quotes gives (quote_processes.py)."""
    for mine, theirs in ((into.live, later.live), (into.draft, later.draft)):
        mine.quotes += theirs.quotes
        mine.rounds += theirs.rounds
        mine.outcomes.update(theirs.outcomes)
        mine.by_trade_off.update(theirs.by_trade_off)
        for name in OFFER_SUMS:
            setattr(mine.offered, name, getattr(mine.offered, name) + getattr(theirs.offered, name))
    into.changed += later.changed
    into.changes.extend(later.changes[: SHOWN_QUOTE_CHANGES - len(into.changes)])
    into.currency = into.currency or later.currency
    into.decisions += later.decisions


def replay_quotes(quotes: Iterable[ReplayedQuote], live: CompiledRules, draft: CompiledRules, now: datetime,
                  policy: Policy, comparison: QuoteComparison,
                  on_progress: Callable[[int], bool] | None = None,
                  every: int = QUOTE_PROGRESS_EVERY) -> QuoteComparison:
    """Every round of each quote with both rule sets into ``comparison``; ``on_progress(done)``
    every ``every`` quotes returns False to stop (cancelled)."""
    done = 0
    for quote in quotes:
        _replay_one(quote, live, draft, now, policy, comparison)
        done += 1
        if on_progress is not None and done % every == 0 and not on_progress(done):
            break
    return comparison


class _Side:
    """One rule set's run through a quote: its earlier offers carry over its rounds."""

    def __init__(self, rules: CompiledRules, live: bool) -> None:
        self.rules, self.live = rules, live
        self.earlier: tuple[EarlierQuoteOffer, ...] = ()
        self.request: QuoteRequest | None = None

    def lines(self, asked: ReplayedRound) -> tuple[QuoteLine, ...]:
        return asked.live_lines if self.live else asked.draft_lines

    def decide(self, quote: ReplayedQuote, asked: ReplayedRound, now: datetime, policy: Policy,
               more_rounds: bool) -> QuoteDecision:
        request = QuoteRequest(self.lines(asked), quote.currency, asked.order_target, round=asked.round,
                               segment=asked.segment, jitter=MIDDLE_JITTER, earlier_offers=self.earlier,
                               citation=asked.citation, needed_by=asked.needed_by)
        self.request = request
        decision = decide_quote(request, self.rules, now, policy, worded=False)
        if more_rounds:  # only a later round reads them
            self.earlier += tuple(EarlierQuoteOffer(tuple(EarlierQuoteLine(o.sku, o.quantity, o.unit_price)
                                                          for o in offer.lines), offer.kind)
                                  for offer in decision.offers)
        return decision

    def worded(self, now: datetime, policy: Policy) -> QuoteDecision:
        """The last round decided again with its words (the same decision): for a change listed."""
        assert self.request is not None
        return decide_quote(self.request, self.rules, now, policy)


def _replay_one(quote: ReplayedQuote, live: CompiledRules, draft: CompiledRules, now: datetime,
                policy: Policy, comparison: QuoteComparison) -> None:
    before_side, after_side = _Side(live, True), _Side(draft, False)
    comparison.live.quotes += 1
    comparison.draft.quotes += 1
    comparison.currency = comparison.currency or quote.currency
    last = len(quote.rounds) - 1
    for index, asked in enumerate(quote.rounds):
        before = before_side.decide(quote, asked, now, policy, index < last)
        after = before if quote.same else after_side.decide(quote, asked, now, policy, index < last)
        comparison.decisions += 1 if quote.same else 2
        value = quote_value(asked.live_lines, before)
        comparison.live.add(before, value)
        comparison.draft.add(after, value if after is before else quote_value(asked.draft_lines, after))
        if after is not before and _answer(before) != _answer(after):
            comparison.changed += 1
            if len(comparison.changes) < SHOWN_QUOTE_CHANGES:
                comparison.changes.append({"quote_id": quote.quote_id, "round": asked.round,
                                           "lines": len(asked.live_lines), "segment": asked.segment,
                                           "live": _described(before_side.worded(now, policy)),
                                           "draft": _described(after_side.worded(now, policy))})


def _answer(decision: QuoteDecision) -> tuple[Any, ...]:
    offer = _answered(decision)
    return (decision.outcome, offer.kind if offer else None,
            tuple((line.sku, line.quantity, line.unit_price) for line in offer.lines) if offer else None)


def _described(decision: QuoteDecision) -> dict[str, Any]:
    offer = _answered(decision)
    return {"outcome": decision.outcome.value,
            "offer": None if offer is None else {"kind": offer.kind.value, "total": str(offer.total),
                                                 "message": offer.message}}
