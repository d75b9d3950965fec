"""``decide_quote``: one decision for a whole order of several lines.

Pure: the clock comes in as ``now``; nothing here touches a database or the network.
Every line is framed as a single-line request (lines.py); the order is then routed as
one request is (routing.py), with whole-quote offers ranked by value to the seller.

``worded=False`` leaves every offer's ``message`` and ``explanation`` (and its lines')
empty and decides exactly as worded otherwise (tests/rules/...): about a quarter of a
decision's time is those words, which the what-if replay never reads.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ..model import Outcome, Policy
from ..ruleset import CompiledRules, RuleSet
from .citations import with_citation
from .decisions import escalate
from .lines import QuoteFrame, make_quote_frame
from .model import QuoteDecision, QuoteRequest
from .routing import route

__all__ = ["decide_quote"]


def decide_quote(request: QuoteRequest, rules: RuleSet | CompiledRules, now: datetime,
                 policy: Policy = Policy(), worded: bool = True) -> QuoteDecision:
    if not request.lines:
        return QuoteDecision(outcome=Outcome.ESCALATE, reason="a quote needs at least one line")
    qf = make_quote_frame(request, rules, now, policy, worded)
    blocked = _blocked(qf)
    if blocked is not None:
        return escalate(qf, blocked, ())
    routed = route(qf)
    # A cited competing offer is read only after the target alone (citations.py).
    return routed if request.citation is None else with_citation(qf, rules, routed)


def _blocked(qf: QuoteFrame) -> str | None:
    """What a person must see before any offer (as for one line, per line)."""
    for line in qf.lines:
        available = line.frame.context.available
        # The use cases refuse such a request first; a person could arrange a later delivery.
        if available is not None and line.quantity > available:
            return f"{line.sku}: more units than the shop has in stock"
        if line.price < line.frame.floor:
            return f"{line.sku}: the catalog price for this quantity is below the floor; check the price breaks"
    if qf.floor_total is not None and _known_cart(qf) < qf.floor_total:
        return "the cart's price is below the order floor"
    return None


def _known_cart(qf: QuoteFrame) -> Decimal:
    known = Decimal(0)
    for line in qf.lines:
        if line.cost_known:
            known += line.cart_value  # the price for the quantity times the quantity
    return known
