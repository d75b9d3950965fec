"""Checkout: turn the cart into an order, redeeming each deal exactly once.

A deal is redeemed by the plugin in its own transaction, before the order is written.
So everything that can be checked is checked first (without using anything up); then
the deals are redeemed for this order's reference. The order is all or nothing: if any
deal cannot be redeemed, or the order cannot be saved, the deals already redeemed for it
are given back (``release_order``: the plugin asks the shop's ``order_status``, which
finds no such order), so the buyer can use them in their next try. A quote accepted for
the cart is one more deal: checked with ``quote_prices`` first, redeemed with
``redeem_quote`` for all the lines it covers at once, given back with the rest
(``release_order`` gives back the quote redeemed for the order too).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from counteroffer import Actor, NegotiationError

from ..plugin import negotiation
from . import cart, catalog
from .cart import CartLine
from .orders import Order, OrderLine, new_order_ref, save_order, utc_now
from .quoting import QuoteInCart, quoted_lines

__all__ = ["CheckoutResult", "place_order"]


@dataclass
class CheckoutResult:
    order: Order | None = None
    problems: list[str] = field(default_factory=list)
    remaining: list[CartLine] = field(default_factory=list)  # what stays in the cart


def place_order(engine: Engine, actor: Actor, cart_lines: list[CartLine],
                quote: QuoteInCart | None = None) -> CheckoutResult:
    result = _precheck(actor, cart_lines, quote)
    if result.problems:
        return result
    # Priced before any deal is redeemed: if this raises, nothing has been used up.
    plain_lines = [_plain_order_line(actor, line) for line in cart.without_deals(cart_lines)
                   if quote is None or line.sku not in quote.skus]
    ref = new_order_ref()
    redeemed, problems, dead = _redeem_all(actor, cart_lines, ref)
    if quote is not None and not problems:
        problems = _redeem_quote(actor, quote, cart_lines, ref, redeemed)
    if problems:  # another tab used a deal a moment ago: no order, nothing kept used up
        negotiation.release_order(ref, actor=actor)  # line deals and the quote alike
        return CheckoutResult(problems=problems, remaining=_minus(cart_lines, dead))
    order = Order(ref=ref, company_id=actor.company_id or "", buyer_id=actor.id,
                  currency=catalog.CURRENCY, lines=tuple(plain_lines + redeemed),
                  created_at=utc_now())
    try:
        save_order(engine, order)
    except Exception:
        negotiation.release_order(ref, actor=actor)  # the order does not exist: its deals are free again
        raise
    return CheckoutResult(order=order)


def _redeem_quote(actor: Actor, quote: QuoteInCart, cart_lines: list[CartLine], ref: str,
                  redeemed: list[OrderLine]) -> list[str]:
    """Redeem the quote for every line it covers at once; charge what the plugin confirms."""
    lines = quoted_lines(quote, cart_lines)
    try:
        deal = negotiation.redeem_quote(quote.token, lines, order_ref=ref, actor=actor)
    except NegotiationError as error:
        return [f"Quote: {error.message}"]
    agreed = {line.sku: line.unit_price for line in deal.lines}
    redeemed.extend(OrderLine(sku=sku, name=_name(sku), quantity=quantity, unit_price=agreed[sku], deal_id=deal.id)
                    for sku, quantity in lines)
    return []


def _precheck(actor: Actor, cart_lines: list[CartLine], quote: QuoteInCart | None) -> CheckoutResult:
    """Every reason the cart cannot be ordered, without redeeming anything."""
    result = CheckoutResult(remaining=list(cart_lines))
    if quote is not None:
        try:
            negotiation.quote_prices(quote.token, quoted_lines(quote, cart_lines), company_id=actor.company_id)
        except NegotiationError as error:
            result.problems.append(f"Quote: {error.message}")
    for line in cart_lines:
        problem = _problem(actor, line)
        if problem is not None:
            result.problems.append(problem)
            if line.deal_token is not None:  # a used or expired deal will not come back
                result.remaining.remove(line)
    return result


def _problem(actor: Actor, line: CartLine) -> str | None:
    try:
        if line.deal_token is None:
            negotiation.product_terms(line.sku, actor)
            return cart.check_quantity(line.sku, line.quantity)
        negotiation.deal_price(line.deal_token, sku=line.sku, quantity=line.quantity,
                               company_id=actor.company_id)
    except NegotiationError as error:
        return f"{line.sku}: {error.message}"
    return None


def _redeem_all(actor: Actor, cart_lines: list[CartLine],
                ref: str) -> tuple[list[OrderLine], list[str], list[CartLine]]:
    redeemed: list[OrderLine] = []
    problems: list[str] = []
    dead: list[CartLine] = []
    for line in cart_lines:
        if line.deal_token is None:
            continue
        try:
            deal = negotiation.redeem_deal(line.deal_token, sku=line.sku, quantity=line.quantity,
                                           order_ref=ref, actor=actor)
        except NegotiationError as error:
            problems.append(f"{line.sku}: {error.message}")
            dead.append(line)
            continue
        # Charge what the plugin confirms at redemption, not the price in the session.
        redeemed.append(OrderLine(sku=deal.sku, name=_name(deal.sku), quantity=deal.quantity,
                                  unit_price=deal.unit_price, deal_id=deal.id))
    return redeemed, problems, dead


def _plain_order_line(actor: Actor, line: CartLine) -> OrderLine:
    terms = negotiation.product_terms(line.sku, actor)
    price = cart.unit_price_at(terms.list_price, terms.breaks, line.quantity)
    return OrderLine(sku=line.sku, name=terms.name, quantity=line.quantity, unit_price=price)


def _name(sku: str) -> str:
    item = catalog.product(sku)
    return item.name if item else sku


def _minus(cart_lines: list[CartLine], dropped: list[CartLine]) -> list[CartLine]:
    return [line for line in cart_lines if line not in dropped]
