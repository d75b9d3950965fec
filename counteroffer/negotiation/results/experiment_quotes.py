"""An experiment's whole-cart quotes, per arm, beside its line requests (issue 15, item 5).

A quote is one negotiation of many lines (``quote_facts.py``): it is compared per quote,
not per unit. Per arm: quotes requested, offered and accepted, the acceptance of those
offered, and over the accepted quotes the order value, the margin kept above the lines'
floors and the discount given against list price (the dashboard's definitions,
docs/results.md); the margin over cost per quote (0 without a deal) with its interval,
as the lines' margin per request.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .stats import Interval, Moments, newcombe_difference, welch_difference, wilson

__all__ = ["QuoteArmResult", "QuoteSums", "QuoteDifferences", "quote_differences", "mean_interval"]

_ZERO = Decimal(0)


@dataclass(frozen=True)
class QuoteArmResult:
    requested: int
    offered: int
    accepted: int
    acceptance: Interval  # accepted / quotes with an offer
    order_value: Decimal  # the accepted quotes' totals
    margin_kept: Decimal  # order value minus the lines' floors, where every floor is known
    discount_given: Decimal  # list value minus order value
    margin_per_quote: Interval  # mean margin over cost of the deal (0 without one)


@dataclass(frozen=True)
class QuoteDifferences:
    acceptance: Interval  # B - A
    margin: Interval


class QuoteSums:
    def __init__(self) -> None:
        self.requested = self.offered = self.accepted = 0
        self.order_value = self.margin_kept = self.discount_given = _ZERO
        self.margin = Moments(0, _ZERO, _ZERO)

    def add(self, fact: Any) -> None:
        """A quote's result fact (a row with offered, deal_at and the deal's totals)."""
        self.requested += 1
        self.offered += int(bool(fact.offered))
        margin = _ZERO
        if fact.deal_at is not None and fact.deal_value is not None:
            self.accepted += 1
            self.order_value += fact.deal_value
            if fact.deal_floor_value is not None:
                self.margin_kept += fact.deal_value - fact.deal_floor_value
            if fact.deal_list_value is not None:
                self.discount_given += fact.deal_list_value - fact.deal_value
            if fact.deal_cost_value is not None:
                margin = fact.deal_value - fact.deal_cost_value
        self.margin = Moments(self.margin.n + 1, self.margin.total + margin, self.margin.squares + margin * margin)

    def result(self, z: Decimal) -> QuoteArmResult:
        return QuoteArmResult(requested=self.requested, offered=self.offered, accepted=self.accepted,
                              acceptance=wilson(self.accepted, self.offered, z), order_value=self.order_value,
                              margin_kept=self.margin_kept, discount_given=self.discount_given,
                              margin_per_quote=mean_interval(self.margin, z))


def quote_differences(a: QuoteSums, b: QuoteSums, z: Decimal) -> QuoteDifferences:
    return QuoteDifferences(acceptance=newcombe_difference(a.result(z).acceptance, b.result(z).acceptance),
                            margin=welch_difference(a.margin, b.margin, z))


def mean_interval(moments: Moments, z: Decimal) -> Interval:
    """The mean with its z-interval; unbounded below two values."""
    if moments.n < 2:
        return Interval(moments.mean, Decimal("-Infinity"), Decimal("Infinity"))
    error = (moments.variance / moments.n).sqrt()
    return Interval(moments.mean, moments.mean - z * error, moments.mean + z * error)
