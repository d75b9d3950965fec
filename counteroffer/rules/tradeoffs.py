"""The trade-offs: ways to give the buyer their price for something worth as much to us.

Each finder returns offers that are never below the guard price of the product offered
(a secret margin above its floor, guard.py), after rounding to the currency's minor
unit, or nothing. The one exception is a published price break: the shop sells at it
to anyone who buys that many, so offering it tells nothing; it is held to the floor.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from .frame import Candidate, Frame, Priced, round_up_to_multiple
from .guard import guard_price, guarded_cost
from .messages import alternative_message, anchor_message, terms_message, volume_message
from .model import AlternativeProduct, OfferKind, Term, TermLever
from .money import round_money, round_up
from .pricing import floor_from, price_at
from .ruleset import LeverBundle

__all__ = ["volume_to_break", "margin_neutral_volume", "margin_neutral_quantity", "volume_offer",
           "term_bundles", "lever_meets", "alternatives",
           "anchor_price", "last_price_anchor"]

HUNDRED = Decimal(100)


def volume_offer(frame: Frame, total: int, price: Decimal, why: str) -> Candidate:
    request = frame.request
    priced = Priced(OfferKind.VOLUME, request.sku, total, price, frame.context.cost, frame.floor,
                    frame.guarded_cost)
    return Candidate(priced, lambda: volume_message(total - request.quantity, total, price,
                                                    frame.currency), why)


def volume_to_break(frame: Frame) -> Candidate | None:
    """The smallest extra volume whose break price meets the target: "buy N more"; at
    most ``max_volume_factor`` times the quantity asked (a larger break is no offer)."""
    request, currency = frame.request, frame.currency
    most = request.quantity * frame.policy.max_volume_factor
    for step in frame.rules.breaks:
        if step.min_quantity > most:
            return None  # breaks ascend: every later one asks for more still
        if step.min_quantity <= request.quantity:
            continue  # reached already: nothing to add (and nothing to round)
        price = round_money(step.unit_price, currency)
        # Below the price at the quantity asked: a break the list price has dropped
        # under (a sale) is no volume deal at all.
        if frame.floor <= price <= request.target_unit_price and price < frame.price_at_quantity:
            total = round_up_to_multiple(step.min_quantity, frame.order_multiple)
            if total > most:
                return None
            rules = frame.rules
            at_total = round_money(price_at(frame.context.list_price, rules.breaks,
                                            rules.break_quantities, total), currency)
            # Rounding up to the order multiple can reach a cheaper break: check that one.
            if at_total >= frame.floor:
                return volume_offer(frame, total, at_total, f"price break from {step.min_quantity:,} units")
    return None


def margin_neutral_volume(frame: Frame) -> Candidate | None:
    """The target for the margin-neutral quantity at it (``margin_neutral_quantity``)."""
    total = margin_neutral_quantity(frame, frame.target)
    if total is None:
        return None
    return volume_offer(frame, total, frame.target, "margin-neutral volume: the same total margin")


def margin_neutral_quantity(frame: Frame, price: Decimal) -> int | None:
    """The smallest quantity at which ``price`` earns as much margin as the quantity asked
    earns at its own price; in order multiples, more than asked and at most
    ``max_volume_factor`` times it. None without a cost (none is invented) or for a price
    under the guard price. Margin over the guarded cost: the quantity, solved for the
    cost, gives that instead (and asks a little more volume than the true cost would)."""
    cost, quantity = frame.guarded_cost, frame.request.quantity
    if not frame.context.cost_known or price < frame.guard or price <= cost:
        return None
    needed = quantity * (frame.price_at_quantity - cost) / (price - cost)
    total = round_up_to_multiple(int(needed.to_integral_value("ROUND_CEILING")),
                                 frame.order_multiple)
    if total <= quantity or total > quantity * frame.policy.max_volume_factor:
        return None
    return total


def term_bundles(frame: Frame, limit: int = 2) -> list[Candidate]:
    """Terms that close the gap between the target and the price: cheapest for the buyer
    first (the least value given up), then the fewest levers. The buyer's share of a
    bundle's value comes off the target, so giving the terms is worth something to the
    buyer too; what the seller keeps of it must still close the gap."""
    gap, bundles = frame.price_at_quantity - frame.target, _deliverable(frame)
    if not bundles or frame.target < frame.guard or gap <= 0:
        return []
    hundredth = frame.price_at_quantity / HUNDRED  # exact: a shift of the exponent
    valued = [(b.per_unit + hundredth * b.pct, b) for b in bundles]
    kept = 1 - frame.policy.terms_buyer_share_pct / HUNDRED
    closing = [vb for vb in valued if vb[0] * kept >= gap]
    # A bundle holding a smaller closing bundle asks the buyer for more at the same price
    # (each bundle lists the masks of its smaller bundles, worked out when compiled).
    masks = {b.mask for _, b in closing}
    minimal = [vb for vb in closing if masks.isdisjoint(vb[1].submasks)]
    minimal.sort(key=_cheapest_first)
    return [_terms_offer(frame, value, bundle.levers) for value, bundle in minimal[:limit]]


def _deliverable(frame: Frame) -> tuple[LeverBundle, ...]:
    """The bundles whose every lever's lead time meets the buyer's ``needed_by``."""
    needed_by, bundles = frame.request.needed_by, frame.rules.bundles
    if needed_by is None:
        return bundles
    today = frame.now.date()
    return tuple(b for b in bundles if all(lever_meets(lever, needed_by, today) for lever in b.levers))


def lever_meets(lever: TermLever, needed_by: date | None, today: date) -> bool:
    """False when the lever's lead time (``lead_days`` from today) ends after the day
    the buyer needs the goods: such a lever is not offered."""
    if needed_by is None or lever.lead_days is None:
        return True
    return today + timedelta(days=lever.lead_days) <= needed_by


def _cheapest_first(valued: tuple[Decimal, LeverBundle]) -> tuple[Decimal, tuple[int, tuple[str, ...]]]:
    return valued[0], valued[1].order


def _terms_offer(frame: Frame, value: Decimal, levers: tuple[TermLever, ...]) -> Candidate:
    request = frame.request
    terms = tuple(Term(lv.group, lv.option, lv.label) for lv in levers)
    price = _terms_price(frame, value)
    priced = Priced(OfferKind.TERMS, request.sku, request.quantity, price,
                    frame.context.cost, frame.floor, frame.guarded_cost, terms, value)
    return Candidate(priced, lambda: terms_message([lv.label for lv in levers], request.quantity,
                                                   price, frame.currency),
                     "term levers: " + ", ".join(lv.option for lv in levers))


def _terms_price(frame: Frame, value: Decimal) -> Decimal:
    """The target less the buyer's share of the terms' value, rounded up (our favour),
    never below the guard price."""
    share = frame.policy.terms_buyer_share_pct
    if not share:
        return frame.target
    return max(frame.guard, round_up(frame.target - value * share / HUNDRED, frame.currency))


def alternatives(frame: Frame) -> list[Candidate]:
    """Equivalent products whose price at the target keeps their own guard price."""
    if not frame.context.alternatives or not frame.rules.alternatives:
        return []  # most requests: no set built
    wanted = set(frame.rules.alternatives)
    return [offer for product_ in frame.context.alternatives if product_.sku in wanted
            for offer in [_alternative_offer(frame, product_)] if offer is not None]


def _alternative_offer(frame: Frame, alt: AlternativeProduct) -> Candidate | None:
    rules, currency = frame.resolve(alt.sku, alt.category), frame.currency
    quantity = round_up_to_multiple(frame.request.quantity, rules.order_multiple or alt.order_multiple)
    catalog = round_money(price_at(alt.list_price, rules.breaks, rules.break_quantities, quantity), currency)
    price, floor = min(catalog, frame.target), floor_from(rules.floors, alt.cost, currency, alt.list_price)
    band, draws = frame.policy.floor_guard_pct, alt.guard_draws
    if price < guard_price(floor, alt.list_price, band, draws.floor, currency) or catalog < floor:
        return None
    priced = Priced(OfferKind.ALTERNATIVE, alt.sku, quantity, price, alt.cost, floor,
                    guarded_cost(alt.cost, alt.list_price, band, draws.cost))
    return Candidate(priced, lambda: alternative_message(alt.name, alt.sku, quantity, price, currency),
                     f"equivalent product {alt.sku}")


def anchor_price(frame: Frame) -> Decimal | None:
    """The price this company paid recently for a comparable quantity, if it is below
    today's price and not below today's guard price."""
    last, policy, quantity = frame.context.last_price, frame.policy, frame.request.quantity
    if last is None or frame.now - last.paid_at > timedelta(days=policy.anchor_days):
        return None
    factor = policy.anchor_quantity_factor
    if not last.quantity / factor <= quantity <= last.quantity * factor:
        return None
    price = round_money(last.unit_price, frame.currency)
    return price if frame.guard <= price < frame.price_at_quantity else None


def last_price_anchor(frame: Frame) -> Candidate | None:
    """Offer the last price paid again, saying so; only when the buyer asks for less."""
    price, last, request = anchor_price(frame), frame.context.last_price, frame.request
    if price is None or last is None or price <= frame.target:
        return None
    priced = Priced(OfferKind.ANCHOR, request.sku, request.quantity, price, frame.context.cost,
                    frame.floor, frame.guarded_cost)
    return Candidate(priced, lambda: anchor_message(last.unit_price, last.quantity, last.paid_at,
                                                    request.quantity, price, frame.currency),
                     f"last price paid on {last.paid_at:%Y-%m-%d}")
