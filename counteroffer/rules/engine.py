"""``decide``: answer one price request with an acceptance, trade-offs, or a hand-off.

Pure: the clock comes in as ``now``; nothing here touches a database or the network.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from .closing import LAST_ROUND, LAST_ROUND_ACCEPTED, is_last_round, volume_at
from .competing import CitedAnswer, cited_answer
from .concession import concession_offer, concession_price, unjittered_reservation
from .frame import Candidate, Frame, Priced, make_frame, make_offer
from .messages import accept_message
from .model import Decision, Offer, OfferKind, Outcome, Policy, PriceRequest, PricingContext, Routing
from .ruleset import CompiledRules, RuleSet, SkuRules, resolve
from .tradeoffs import (
    alternatives,
    anchor_price,
    last_price_anchor,
    margin_neutral_volume,
    term_bundles,
    volume_to_break,
)

__all__ = ["decide", "resolver_for", "trade_offs", "decline_line", "in_stock", "likely_value", "OVER_LIMIT", "Resolve"]

HUNDRED = Decimal(100)
Rules = RuleSet | CompiledRules
Resolve = Callable[[str, str | None, str | None], SkuRules]
OVER_LIMIT = "order value above the auto-approval limit"


def decide(request: PriceRequest, context: PricingContext, rules: Rules, now: datetime,
           policy: Policy = Policy()) -> Decision:
    resolver = resolver_for(rules)
    frame = make_frame(request, context, resolver(request.sku, context.category, context.segment),
                       now, policy, lambda sku, category: resolver(sku, category, context.segment))
    # More than the shop has: nothing the engine may promise (the use cases refuse such a
    # request before it gets here; a person could still arrange a later delivery).
    if context.available is not None and request.quantity > context.available:
        return _decision(frame, Outcome.ESCALATE, (), "more units than the shop has in stock")
    # A catalog price under the floor is a pricing error a person must see, not a deal.
    if frame.price_at_quantity < frame.floor:
        return _decision(frame, Outcome.ESCALATE, (), "the catalog price for this quantity "
                         "is below the floor; check the price breaks")
    if request.target_unit_price >= frame.price_at_quantity:
        return _accept(frame, frame.price_at_quantity, "target meets the price for the quantity")
    return _route(frame, frame.rules.routing or Routing())


def resolver_for(rules: Rules) -> Resolve:
    if isinstance(rules, CompiledRules):
        return rules.resolve
    return lambda sku, category, segment: resolve(rules, sku, category, segment)


def _route(frame: Frame, routing: Routing) -> Decision:
    concession = concession_price(frame)
    if frame.context.segment in routing.strategic_segments:
        return _escalate(frame, "strategic account: a rep answers", _suggestions(frame, concession))
    # The band is near the shop's own price: it has a limit of its own (none by default),
    # so a big order within 2% of the price is not left to a person by the approval limit.
    if _within_auto_accept(frame, routing):
        return _accept_within(frame, routing.auto_accept_limit, concession, "target within the auto-accept band")
    limit = routing.auto_approval_limit
    if concession is not None and concession <= frame.target:
        return _accept_within(frame, limit, concession, "target within what the rules concede")
    anchor = anchor_price(frame)
    if anchor is not None and anchor <= frame.target:
        return _accept_within(frame, limit, concession, "target at or above the price this buyer paid last time")
    # A citation is read only once the target alone is not accepted: citing a low price
    # must not turn an answer the buyer would have had into a wait for a person.
    cited = cited_answer(frame) if frame.request.citation is not None else None
    if cited is not None:
        return _cited(frame, cited, limit, concession)
    candidates = trade_offs(frame)  # only now: an accepted request needs none
    declined = frame.target < decline_line(frame, routing)
    if concession is not None:
        candidates = _with_concession(frame, candidates, concession)
        if is_last_round(frame) and not declined:
            # No round left to answer a counter with (rules/closing.py): a person may agree,
            # unless the rules reach the target without this negotiation's jitter.
            if _reached_without_jitter(frame, limit):
                return _accept_within(frame, limit, concession, LAST_ROUND_ACCEPTED)
            return _escalate(frame, LAST_ROUND, _ranked(frame, candidates))
    # Below the decline line nothing a person could accept is asked for: only an offer
    # that meets the ask itself (an equivalent product at that price) is still made;
    # no concession or last price far above it, and no person, whatever the order value.
    if declined:
        candidates = [c for c in candidates if c.priced.unit_price <= frame.target]
    # The limit is on what would be sold: each offer's quantity times its price, never the
    # bid (a higher bid must not be what sends a buyer to a person). Offers over it are
    # left to a person; if none is left, a person answers, with them as suggestions.
    within = [c for c in candidates if not _over_limit(c.priced.quantity, c.priced.unit_price, limit)]
    offers = _ranked(frame, within)
    if offers:
        return _decision(frame, Outcome.COUNTER, offers, "trade-offs meet the target")
    if candidates:
        return _escalate(frame, OVER_LIMIT, _ranked(frame, candidates))
    if not declined:
        return _escalate(frame, _escalation_reason(frame), ())
    return _decision(frame, Outcome.DECLINE, (), "target is far below the floor")


def _cited(frame: Frame, cited: CitedAnswer, limit: Decimal | None, concession: Decimal | None) -> Decision:
    """A cited competing offer a rule covers (rules/competing.py): the match first, then
    the trade-offs beside it; a person when it cannot be matched on the rules' own."""
    match = cited.match
    if match is None:
        return _escalate(frame, cited.reason, _suggestions(frame, concession))
    if match.priced.unit_price <= frame.target:
        return _accept_within(frame, limit, concession, "target at or above a cited competing offer's match")
    if _over_limit(match.priced.quantity, match.priced.unit_price, limit):
        return _escalate(frame, OVER_LIMIT, _suggestions(frame, concession, match))
    others = [c for c in trade_offs(frame) if not _over_limit(c.priced.quantity, c.priced.unit_price, limit)]
    offers = (make_offer(frame, match), *_ranked(frame, others)[: frame.policy.max_offers - 1])
    return _decision(frame, Outcome.COUNTER, offers, cited.reason)


def _with_concession(frame: Frame, candidates: list[Candidate], concession: Decimal) -> list[Candidate]:
    """The trade-offs, this round's concession, and the same price for more units while
    there is room among ``max_offers`` (beside the others, never displacing one)."""
    candidates = [*candidates, concession_offer(frame, concession)]
    if len(candidates) < frame.policy.max_offers:
        candidates += _more_units(frame, concession)
    return candidates


def _reached_without_jitter(frame: Frame, limit: Decimal | None) -> bool:
    """In the last round: the target is at or above the concession's reservation price
    before jitter, and the engine sells more units at it (rules/closing.py says why both)."""
    policy = frame.rules.concession
    return (policy is not None and frame.target >= unjittered_reservation(frame, policy)
            and bool(_more_units(frame, frame.target, limit)))


def _more_units(frame: Frame, price: Decimal, limit: Decimal | None = None) -> list[Candidate]:
    """The same price for more units, if the shop has them and they are within the limit
    (rules/closing.py); offered beside the price for the quantity asked, never instead."""
    volume = in_stock(frame, volume_at(frame, price))
    if volume is None or _over_limit(volume.priced.quantity, volume.priced.unit_price, limit):
        return []
    return [volume]


def _accept_within(frame: Frame, limit: Decimal | None, concession: Decimal | None, why: str) -> Decision:
    """Accept the target, unless what would be sold at it is over the limit: then a
    person decides, with the target itself first among the suggestions."""
    if _over_limit(frame.request.quantity, frame.target, limit):
        return _escalate(frame, OVER_LIMIT, _suggestions(frame, concession, _price(frame, frame.target, why)))
    return _accept(frame, frame.target, why, _more_units(frame, frame.target, limit))


def _suggestions(frame: Frame, concession: Decimal | None, first: Candidate | None = None) -> tuple[Offer, ...]:
    """What the rules would offer, for the person who answers instead: every trade-off
    and this round's concession, ranked as offers are (``first`` ahead of them)."""
    candidates = trade_offs(frame)
    if concession is not None and concession > frame.target:
        candidates.append(concession_offer(frame, concession))
    ranked = _ranked(frame, candidates)
    if first is None:
        return ranked
    return (make_offer(frame, first), *ranked[: frame.policy.max_offers - 1])


def trade_offs(frame: Frame) -> list[Candidate]:
    volume = in_stock(frame, volume_to_break(frame)) or in_stock(frame, margin_neutral_volume(frame))
    found = [] if volume is None else [volume]  # in stock already
    for candidate in (last_price_anchor(frame), *term_bundles(frame), *alternatives(frame)):
        if candidate is not None and in_stock(frame, candidate) is not None:
            found.append(candidate)
    return found


def in_stock(frame: Frame, candidate: Candidate | None) -> Candidate | None:
    """The candidate, unless it is for more units than the shop has of what it offers:
    an offer the shop cannot deliver is no offer (the buyer would accept it)."""
    if candidate is None:
        return None
    priced, context = candidate.priced, frame.context
    if priced.sku == frame.request.sku:
        available = context.available
    else:
        available = next((alt.available for alt in context.alternatives if alt.sku == priced.sku), None)
    return candidate if available is None or priced.quantity <= available else None


def _ranked(frame: Frame, candidates: list[Candidate]) -> tuple[Offer, ...]:
    """The offers a buyer is likeliest to take that are worth most to the seller, worded
    only once they are chosen: each offer's value to the seller (margin over the guarded
    cost plus its terms' value, times its units) counts only in the share of its units
    the buyer asked for. 3,000 units offered to a buyer of 200 are taken far less often
    than 200 are: they rank as their value per unit times 200."""
    asked = frame.request.quantity
    # Each rank worked out once; the index keeps equal ranks in the order they were found.
    ranked = sorted((likely_value(candidate, asked), index, candidate)
                    for index, candidate in enumerate(candidates))
    return tuple(make_offer(frame, candidate) for _, _, candidate in ranked[: frame.policy.max_offers])


def likely_value(candidate: Candidate, asked: int) -> tuple[Decimal, str, str, int]:
    value, kind, sku, quantity = candidate.rank
    if quantity > asked:
        value = value * asked / quantity
    return (value, kind, sku, quantity)


def _over_limit(quantity: int, unit_price: Decimal, limit: Decimal | None) -> bool:
    return limit is not None and unit_price * quantity > limit


def _within_auto_accept(frame: Frame, routing: Routing) -> bool:
    if not routing.auto_accept_within_pct > 0:
        return False
    lowest = frame.price_at_quantity * (1 - routing.auto_accept_within_pct / HUNDRED)
    return frame.target >= max(lowest, frame.guard)


def decline_line(frame: Frame, routing: Routing) -> Decimal:
    """``rep_reach_pct`` below the guard price, not the floor: bisecting on declined
    versus escalated must not find the floor either."""
    reach = routing.rep_reach_pct
    if reach is None:
        reach = frame.policy.decline_below_floor_pct
    return frame.guard * (1 - reach / HUNDRED)


def _escalation_reason(frame: Frame) -> str:
    if frame.target >= frame.guard:
        return "no trade-off meets the target; it is above the floor, a rep may agree"
    if frame.target >= frame.floor:
        return ("target is above the floor but below the guard price, where the rules stop "
                "answering on their own; a rep may agree")
    # Not "within a rep's reach": routing may send it past the rep, to a manager.
    return "target is below the floor, near enough for a person to decide"


def _decision(frame: Frame, outcome: Outcome, offers: tuple[Offer, ...], reason: str,
              suggestions: tuple[Offer, ...] = ()) -> Decision:
    return Decision.made(outcome=outcome, offers=offers, reason=reason, floor=frame.floor,
                         guard=frame.guard, price_for_quantity=frame.price_at_quantity,
                         suggestions=suggestions)


def _escalate(frame: Frame, reason: str, suggestions: tuple[Offer, ...]) -> Decision:
    return _decision(frame, Outcome.ESCALATE, (), reason, suggestions)


def _accept(frame: Frame, price: Decimal, why: str, beside: list[Candidate] | None = None) -> Decision:
    # The accepted price comes first: it is what the buyer asked for (results read offers[0]).
    offers = (make_offer(frame, _price(frame, price, why)), *(make_offer(frame, c) for c in beside or ()))
    return _decision(frame, Outcome.ACCEPT, offers, why)


def _price(frame: Frame, price: Decimal, why: str) -> Candidate:
    """The quantity asked at ``price``: an acceptance, or a person's suggestion to make one."""
    request = frame.request
    priced = Priced(OfferKind.PRICE, request.sku, request.quantity, price, frame.context.cost,
                    frame.floor, frame.guarded_cost)
    return Candidate(priced, lambda: accept_message(request.quantity, price, frame.currency), why)
