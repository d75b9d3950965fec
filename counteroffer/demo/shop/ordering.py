"""Checkout, the order pages, and cancelling an order (which gives its deals back)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from counteroffer import Actor, NegotiationError

from ..auth import company_name, current_actor
from ..plugin import negotiation
from . import cart, quoting
from .checkout import place_order
from .orders import Order, cancel_order, get_order, list_orders, shop_engine
from .storefront import not_found

__all__ = ["ordering"]

ordering = Blueprint("ordering", __name__)
ordering.register_error_handler(404, not_found)


@ordering.errorhandler(NegotiationError)
def plugin_error(error: NegotiationError) -> Response:
    # Checkout checks first, so this is a race (a product withdrawn meanwhile): say so.
    flash(error.message, "error")
    return redirect(url_for("shop.view_cart"))


@ordering.post("/demo/checkout")
def checkout() -> Response:
    actor = current_actor()
    if actor is None or actor.role != "buyer":
        return _not_a_buyer(actor)
    cart_lines = cart.lines()
    if not cart_lines:
        flash("Your cart is empty.", "info")
        return redirect(url_for("shop.view_cart"))
    result = place_order(shop_engine(), actor, cart_lines, quoting.current_quote())
    for problem in result.problems:
        flash(problem, "error")
    cart.save(result.remaining)
    if result.order is None:
        flash("No order was placed. Please review your cart.", "error")
        return redirect(url_for("shop.view_cart"))
    quoting.forget_quote()  # used by this order
    flash(f"Thank you! Order {result.order.ref} is placed.", "success")
    return redirect(url_for("ordering.order_page", ref=result.order.ref))


def _not_a_buyer(actor: Actor | None) -> Response:
    if actor is None:
        flash("Log in as a buyer to place an order.", "error")
        return redirect(url_for("auth.login_form", next=url_for("shop.view_cart")))
    flash("Only buyers place orders; sellers can browse the cart.", "error")
    return redirect(url_for("shop.view_cart"))


@ordering.get("/demo/orders")
def orders_page() -> str | Response:
    actor = current_actor()
    if actor is None:
        return redirect(url_for("auth.login_form", next=url_for("ordering.orders_page")))
    # Buyers see their company's orders; the seller's staff see everyone's.
    orders = list_orders(shop_engine(), company_id=actor.company_id)
    return render_template("demo/orders.html", orders=orders, company_name=company_name)


@ordering.get("/demo/orders/<ref>")
def order_page(ref: str) -> str | Response:
    actor = current_actor()
    if actor is None:
        return redirect(url_for("auth.login_form", next=url_for("ordering.order_page", ref=ref)))
    order = get_order(shop_engine(), ref)
    if order is None or not _may_see(actor, order):
        abort(404)  # another company's order does not exist, as far as this buyer knows
    return render_template("demo/order.html", order=order, company_name=company_name)


def _may_see(actor: Actor, order: Order) -> bool:
    return actor.role != "buyer" or actor.company_id == order.company_id


@ordering.post("/demo/orders/<ref>/cancel")
def cancel(ref: str) -> Response:
    """Cancel the order in the shop first; then the plugin, asking the shop's
    ``order_status``, gives its deals back. Sent again, it retries the second step."""
    actor = current_actor()
    if actor is None:
        return redirect(url_for("auth.login_form", next=url_for("ordering.order_page", ref=ref)))
    order = get_order(shop_engine(), ref)
    if order is None or not _may_see(actor, order):
        abort(404)
    cancel_order(shop_engine(), ref, actor.id)
    # The quote first, for its count: release_order gives it back too, but names line deals only.
    quotes = negotiation.release_quote_order(ref, actor=actor)
    released = len(quotes) + len(negotiation.release_order(ref, actor=actor))
    deals = f" {released} negotiated deal(s) can be used again." if released else ""
    flash(f"Order {ref} is cancelled.{deals}", "success")
    return redirect(url_for("ordering.order_page", ref=ref))
