"""Routing a whole quote, as ``rules/engine.py: _route`` routes one line.

The order's own routing is the routing rule for all products of the segment; a line's
routing rule (SKU or category) still holds for that line: its strategic segments, its
approval limit on the line's value, its rep reach in the decline line.

- a strategic segment (the order's routing or any line's): a person answers;
- the target at or above the cart's price: accepted at the cart's prices;
- the target within the auto-accept band (``auto_accept_within_pct`` of the cart) and
  above every guard price it needs: accepted, under ``auto_accept_limit`` (none by default);
- every line's wanted price within what the rules concede this round, or, for an order
  target, the target within the lines' concession room (margin mix): accepted;
- else whole-quote counters (concession, margin mix, per-line trade-offs, order terms,
  order tiers), at most ``max_offers``, ranked by value to the seller; a counter over the
  approval limit (the quote's total, or a line's value over its line's limit) is a
  person's; in the buyer's last round a person answers instead of a concession;
- below the decline line (the sum over lines of each line's reach below its guard
  price) only an offer at or under the target is made, else the quote is declined.
"""
from __future__ import annotations

from decimal import Decimal

from ..closing import LAST_ROUND
from ..engine import OVER_LIMIT, decline_line
from ..model import Outcome
from .candidates import QuoteCandidate
from .decisions import accept, decision, escalate, meets_order_floor
from .lines import QuoteFrame
from .messages import accept_quote_message
from .mix import concession_quote, mix_quote
from .model import QuoteDecision, QuoteOfferKind
from .offers import line_trade_offs_quote, make_quote_offer, order_terms_quotes, ranked
from .tiers import tier_quotes

__all__ = ["route", "counters", "over_limit", "STRATEGIC"]

HUNDRED = Decimal(100)
ZERO = Decimal(0)
STRATEGIC = "strategic account: a rep answers"


def route(qf: QuoteFrame) -> QuoteDecision:
    routing = qf.routing
    if _strategic(qf):
        return escalate(qf, STRATEGIC, ranked(qf, counters(qf)))
    if qf.target >= qf.cart_total:
        cart = _as_asked(qf, [line.price for line in qf.lines], "target meets the cart's price")
        return _accept_within(qf, routing.auto_approval_limit, cart)
    band = _within_band(qf)
    if band is not None:
        # The band sits next to the shop's own price: its own limit, none by default.
        return _accept_within(qf, routing.auto_accept_limit, band, lines=False)
    accepted = _acceptable(qf)
    if accepted is not None:
        return _accept_within(qf, routing.auto_approval_limit, accepted)
    return _counter(qf, counters(qf))


def _counter(qf: QuoteFrame, candidates: list[QuoteCandidate]) -> QuoteDecision:
    declined = qf.target < _decline_total(qf)
    conceded = any(c.kind is QuoteOfferKind.CONCESSION for c in candidates)
    if conceded and qf.request.round >= qf.policy.max_rounds and not declined:
        return escalate(qf, LAST_ROUND, ranked(qf, candidates))
    if declined:  # only what meets the ask itself; no concession far above it
        candidates = [c for c in candidates if c.total <= qf.target]
    within = [c for c in candidates if not over_limit(qf, c, qf.routing.auto_approval_limit)]
    if within:
        return decision(qf, Outcome.COUNTER, ranked(qf, within), "whole-quote offers toward the target")
    if candidates:
        return escalate(qf, OVER_LIMIT, ranked(qf, candidates))
    if not declined:
        return escalate(qf, "no whole-quote offer meets the target; a rep may agree", ())
    return decision(qf, Outcome.DECLINE, (), "target is far below the lines' floors")


def counters(qf: QuoteFrame) -> list[QuoteCandidate]:
    """Every whole-quote counter the rules find, each within every floor."""
    found = [concession_quote(qf), line_trade_offs_quote(qf), *order_terms_quotes(qf), *tier_quotes(qf)]
    if not qf.by_order_target:  # the buyer's own total, spread differently over its lines
        found.append(mix_quote(qf, [line.concession for line in qf.lines], QuoteOfferKind.MARGIN_MIX,
                               "margin mix: the lines' targets add up to a total within the concession room"))
    return [c for c in found if c is not None and meets_order_floor(qf, c)]


def _strategic(qf: QuoteFrame) -> bool:
    segment = qf.request.segment
    if segment is not None and segment in qf.routing.strategic_segments:
        return True
    return any(line.frame.rules.routing is not None and line.frame.context.segment is not None
               and line.frame.context.segment in line.frame.rules.routing.strategic_segments
               for line in qf.lines)


def _as_asked(qf: QuoteFrame, prices: list[Decimal], why: str) -> QuoteCandidate:
    return QuoteCandidate(QuoteOfferKind.AS_ASKED, qf.lines, accept_quote_message, why, prices=prices)


def _within_band(qf: QuoteFrame) -> QuoteCandidate | None:
    pct = qf.routing.auto_accept_within_pct
    if not pct > 0 or qf.target < qf.cart_total * (1 - pct / HUNDRED):
        return None
    why = "target within the auto-accept band"
    guards = [line.guard for line in qf.lines]
    if qf.by_order_target:
        return mix_quote(qf, guards, QuoteOfferKind.MARGIN_MIX, why)
    if all(line.wanted >= line.guard for line in qf.lines):
        return _floored(qf, _as_asked(qf, [line.wanted for line in qf.lines], why))
    return None


def _acceptable(qf: QuoteFrame) -> QuoteCandidate | None:
    if all(line.acceptable() for line in qf.lines):
        found = _floored(qf, _as_asked(qf, [line.wanted for line in qf.lines],
                                       "every line within what the rules concede"))
        if found is not None:
            return found
    if qf.by_order_target:
        return mix_quote(qf, [line.concession for line in qf.lines], QuoteOfferKind.MARGIN_MIX,
                         "order target within what the rules concede, spread by headroom above the lines' floors")
    return None


def _floored(qf: QuoteFrame, candidate: QuoteCandidate) -> QuoteCandidate | None:
    return candidate if meets_order_floor(qf, candidate) else None


def _accept_within(qf: QuoteFrame, limit: Decimal | None, candidate: QuoteCandidate,
                   lines: bool = True) -> QuoteDecision:
    """Accept, unless what would be sold is over the limit: then a person decides, with
    this quote first among the suggestions."""
    if over_limit(qf, candidate, limit, lines):
        first = make_quote_offer(qf, candidate)
        others = ranked(qf, counters(qf), max(0, qf.policy.max_offers - 1))
        return escalate(qf, OVER_LIMIT, (first, *others))
    return accept(qf, candidate, candidate.why)


def over_limit(qf: QuoteFrame, candidate: QuoteCandidate, limit: Decimal | None, lines: bool = True) -> bool:
    """Over the limit on the order's total (what would be sold, never the bid), or, with
    ``lines``, a line over its own line routing's approval limit."""
    if limit is not None and candidate.total > limit:
        return True
    if not lines:
        return False
    for index, line_limit in qf.line_limits:
        price, quantity = candidate.sold(index)
        if price * quantity > line_limit:
            return True
    return False


def _decline_total(qf: QuoteFrame) -> Decimal:
    total = ZERO
    for line in qf.lines:
        total += decline_line(line.frame, line.frame.rules.routing or qf.routing) * line.quantity
    return total
