"""Quotes for the whole cart: the buyer's quotes page, and an accepted quote in the cart.

The plugin's panel on the cart page negotiates; once the buyer accepts, it links to
``/demo/cart/quote/<token>?line=SKU:quantity&...``, which sets the cart's lines to the
quote's quantities (checked by the plugin) and remembers the token. From then on the cart
prices those lines with ``quote_prices``, and checkout redeems the quote for the order
with ``redeem_quote`` (checkout.py). A line the quote does not cover (a product added
since) is priced from the catalog as before.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from counteroffer import Actor, NegotiationError

from ..auth import current_actor
from ..plugin import negotiation
from . import cart
from .cart import CartLine, PricedLine
from .formatting import money

__all__ = ["quoting", "QuoteInCart", "current_quote", "forget_quote", "quoted_lines", "price_quoted"]

quoting = Blueprint("quoting", __name__)
SESSION_KEY = "quote"


@dataclass(frozen=True)
class QuoteInCart:
    token: str
    skus: tuple[str, ...]  # the lines the quote prices; the rest of the cart is at catalog prices


def current_quote() -> QuoteInCart | None:
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        return QuoteInCart(token=str(data["token"]), skus=tuple(str(sku) for sku in data["skus"]))
    except (KeyError, TypeError, ValueError):
        return None


def forget_quote() -> None:
    session.pop(SESSION_KEY, None)


def quoted_lines(quote: QuoteInCart, cart_lines: list[CartLine]) -> list[tuple[str, int]]:
    """The cart's plain lines the quote covers, as ``(sku, quantity)`` for the plugin's quote
    calls; the rest of the cart is not the quote's business (it is at catalog prices)."""
    return [(line.sku, line.quantity) for line in cart.without_deals(cart_lines) if line.sku in quote.skus]


def price_quoted(actor: Actor | None, priced: list[PricedLine]) -> tuple[list[PricedLine], str | None]:
    """The cart's lines with the quote's prices on the lines it covers; or, when the cart no
    longer matches the quote, the catalog prices and the plugin's words for what differs. A
    quote that cannot be used any more (used in another tab, expired) leaves the cart."""
    quote = current_quote()
    if quote is None or actor is None:
        return priced, None
    try:
        deal = negotiation.quote_prices(quote.token, quoted_lines(quote, [p.line for p in priced]),
                                        company_id=actor.company_id)
    except NegotiationError as error:
        if not error.fields:  # not the cart's fault: the quote is used, expired or unknown
            forget_quote()
        return priced, error.message
    prices = {line.sku: line.unit_price for line in deal.lines}
    return [replace(p, unit_price=prices[p.line.sku], quoted=True)
            if p.line.deal_token is None and p.line.sku in prices else p for p in priced], None


@quoting.get("/demo/cart/quote/<token>")
def add_quote(token: str) -> Response:
    """The panel links here after "Accept", with the quote's lines as ``line=SKU:quantity``
    parameters: the cart takes those quantities, and ``quote_prices`` checks them against the
    deal (every line of the quote, its units, nothing else), so a link edited by
    hand is refused. A GET, as a line deal's link: nothing is bought until checkout."""
    actor = current_actor()
    if actor is None or actor.role != "buyer":
        flash("Log in as a buyer to use a quote.", "error")
        return redirect(url_for("auth.login_form", next=request.full_path))
    wanted = _linked_lines(request.args.getlist("line"))
    try:
        prices = negotiation.quote_prices(token.strip(), wanted, company_id=actor.company_id)
    except NegotiationError as error:
        flash(f"This quote cannot be used: {error.message}", "error")
        return redirect(url_for("shop.view_cart"))
    cart.save(_with_quantities(cart.lines(), wanted))
    session[SESSION_KEY] = {"token": prices.token, "skus": [line.sku for line in prices.lines]}
    flash(f"Quote added: {len(prices.lines)} lines at the quoted prices, "
          f"{money(prices.total, prices.currency)} in all.", "success")
    return redirect(url_for("shop.view_cart"))


def _linked_lines(values: list[str]) -> list[tuple[str, int]]:
    """``SKU:quantity`` pairs; a malformed one is dropped, and the deal then refuses the cart."""
    lines = []
    for value in values:
        sku, _, quantity = value.rpartition(":")
        if sku and quantity.isdigit() and 0 < int(quantity) <= cart.MAX_QUANTITY:
            lines.append((sku, int(quantity)))
    return lines


def _with_quantities(cart_lines: list[CartLine], wanted: list[tuple[str, int]]) -> list[CartLine]:
    """The cart with each quoted SKU's plain line at the quote's quantity (added if missing)."""
    for sku, quantity in wanted:
        if cart.plain_quantity(cart_lines, sku):
            cart_lines = cart.set_quantity(cart_lines, sku, quantity)
        else:
            cart_lines = cart.add_plain(cart_lines, sku, quantity)
    return cart_lines


@quoting.post("/demo/cart/quote/remove")
def remove_quote() -> Response:
    forget_quote()
    flash("Quote removed: the cart is at catalog prices again.", "info")
    return redirect(url_for("shop.view_cart"))


@quoting.get("/demo/quotes")
def quotes_page() -> str | Response:
    actor = current_actor()
    if actor is None:
        return redirect(url_for("auth.login_form", next=url_for("quoting.quotes_page")))
    return render_template("demo/quotes.html")
