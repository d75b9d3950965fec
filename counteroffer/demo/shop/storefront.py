"""Catalog, product and cart pages: what a buyer browses before checking out."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from werkzeug.wrappers import Response

from counteroffer import CatalogItem, DealView, NegotiationError

from ..auth import current_actor
from ..plugin import negotiation
from . import cart, catalog, quoting
from .formatting import money

__all__ = ["shop", "CatalogEntry", "not_found"]

shop = Blueprint("shop", __name__)


@dataclass(frozen=True)
class CatalogEntry:
    item: CatalogItem
    list_price: Decimal
    breaks: tuple[Any, ...]  # the plugin's PriceBreak values, lowest quantity first
    description: str

    @property
    def first_break(self) -> Any:
        return self.breaks[0] if self.breaks else None


@shop.errorhandler(NegotiationError)
def plugin_error(error: NegotiationError) -> Response:
    """A refusal from the plugin is news for the buyer, not a server error."""
    flash(error.message, "error")
    # Not back to the cart if the cart page itself failed: that would loop.
    target = "shop.catalog_page" if request.endpoint == "shop.view_cart" else "shop.view_cart"
    return redirect(url_for(target))


def not_found(_error: Exception) -> tuple[str, int]:
    return render_template("demo/not_found.html"), 404


shop.register_error_handler(404, not_found)


@shop.get("/demo/")
@shop.get("/")  # registered first (decorators apply bottom-up), so url_for gives "/"
def catalog_page() -> str:
    entries = [entry for entry in map(_entry, catalog.PRODUCTS) if entry is not None]
    return render_template("demo/catalog.html", entries=entries)


@shop.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask every site for one, the back office's pages too (they link none);
    without it each visit began with a 404 in the browser's console."""
    return send_from_directory(current_app.static_folder or "", "favicon.svg", mimetype="image/svg+xml",
                               max_age=86_400)


@shop.get("/products/<sku>")
def product_page(sku: str) -> str:
    item = catalog.product(sku)
    entry = _entry(item) if item is not None else None
    if entry is None:
        abort(404)
    return render_template("demo/product.html", entry=entry, product=entry.item)


@shop.get("/demo/cart")
def view_cart() -> str:
    actor, cart_lines = current_actor(), cart.lines()
    priced, quote_problem = quoting.price_quoted(actor, cart.price_lines(actor, cart_lines))
    total = sum((line.line_total for line in priced), Decimal("0.00"))
    return render_template("demo/cart.html", lines=priced, total=total, quote=quoting.current_quote(),
                           quote_problem=quote_problem, quote_lines=cart.without_deals(cart_lines))


@shop.post("/demo/cart/add")
def add_to_cart() -> Response:
    sku = request.form.get("sku", "")
    quantity = _quantity(request.form.get("quantity"))
    added = cart.add_plain(cart.lines(), sku, quantity)
    # Checked on the line's new total: two valid additions may make an invalid line.
    problem = (cart.check_quantity(sku, cart.plain_quantity(added, sku)) if quantity
               else "Enter a whole number of units.")
    if problem:
        flash(problem, "error")
        return redirect(url_for("shop.product_page", sku=sku) if catalog.product(sku)
                        else url_for("shop.catalog_page"))
    cart.save(added)
    flash(f"Added {quantity:,} units of {sku} to your cart.", "success")
    return redirect(url_for("shop.view_cart"))


@shop.post("/demo/cart/update")
def update_cart() -> Response:
    sku = request.form.get("sku", "")
    quantity = _quantity(request.form.get("quantity"))
    problem = cart.check_quantity(sku, quantity) if quantity else "Enter a whole number of units."
    if problem:
        flash(problem, "error")
    else:
        cart.save(cart.set_quantity(cart.lines(), sku, quantity))
        flash("Quantity updated.", "success")
    return redirect(url_for("shop.view_cart"))


@shop.post("/demo/cart/remove")
def remove_from_cart() -> Response:
    cart.save(cart.remove(cart.lines(), request.form.get("sku"), request.form.get("deal_token")))
    flash("Line removed.", "info")
    return redirect(url_for("shop.view_cart"))


@shop.post("/demo/cart/deal")
def add_deal_from_form() -> Response:
    return _add_deal(request.form.get("token", "").strip())


@shop.get("/demo/cart/deal/<token>")
def add_deal_from_link(token: str) -> Response:
    # A GET so the widget can link here after "Accept"; it only adds a line the buyer's
    # own company has already agreed, and nothing is bought until checkout.
    return _add_deal(token.strip())


def _add_deal(token: str) -> Response:
    actor = current_actor()
    if actor is None or actor.role != "buyer":
        flash("Log in as a buyer to use a deal.", "error")
        back = request.path if request.method == "GET" else url_for("shop.view_cart")
        return redirect(url_for("auth.login_form", next=back))
    if not token:
        flash("Enter the deal code you received.", "error")
        return redirect(url_for("shop.view_cart"))
    deal = _deal_or_flash(token, actor.company_id)
    if deal is not None:
        cart.save(cart.add_deal(cart.lines(), deal))
        flash(f"Deal added: {deal.quantity:,} units of {deal.sku} at "
              f"{money(deal.unit_price, deal.currency)} each.", "success")
    return redirect(url_for("shop.view_cart"))


def _deal_or_flash(token: str, company_id: str | None) -> DealView | None:
    try:
        return negotiation.deal_price(token, company_id=company_id)
    except NegotiationError as error:
        flash(f"This deal cannot be used: {error.message}", "error")
        return None


def _entry(item: CatalogItem) -> CatalogEntry | None:
    try:
        terms = negotiation.product_terms(item.sku, current_actor())
    except NegotiationError:
        return None  # not loaded into the plugin (yet): the shop does not show it
    return CatalogEntry(item=item, list_price=terms.list_price, breaks=terms.breaks,
                        description=catalog.DESCRIPTIONS.get(item.sku, ""))


def _quantity(raw: str | None) -> int:
    """A positive whole number from a form field, else 0."""
    try:
        return max(int((raw or "").strip().replace(",", "")), 0)
    except ValueError:
        return 0
