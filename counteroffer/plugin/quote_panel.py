"""The "Request a quote for this cart" panel and the buyer's list of their company's quotes.

Like the product widget (widget.py): a Jinja macro plus plain JS and CSS, no build step.
Hosts write ``{{ quote_request_panel(cart_lines) }}`` on their cart page, where each line
has a ``sku`` and a ``quantity`` (mappings or objects), and ``{{ company_quotes() }}`` on a
page of their own. The panel negotiates through the quote API (``/api/quotes``); the
data it embeds before the buyer asks (names, the catalog price for each quantity) comes
from ``quote_panel_context`` below.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from flask import current_app, get_template_attribute, url_for
from markupsafe import Markup

from ..negotiation import Actor, NegotiationError
from ..rules.pricing import price_for_quantity

__all__ = ["quote_panel_context", "company_quotes_context", "quote_panel_macro", "company_quotes_macro"]


def quote_panel_context(cart_lines: Iterable[Any]) -> dict[str, Any]:
    """What the panel template needs: URLs, who is asking, and the cart lines it can quote."""
    extension = current_app.extensions["counteroffer"]
    actor = extension.current_actor()
    is_buyer = bool(actor and actor.role == "buyer")
    quotable, left_out, terms = ([], [], None) if not is_buyer else _lines(extension, actor, cart_lines)
    context = _assets(extension.state.settings.url_prefix)
    context.update({
        "logged_in": actor is not None, "is_buyer": is_buyer,
        "lines_json": json.dumps(quotable) if quotable else "", "left_out": left_out,
        "currency": terms.currency if terms else "",
        "max_rounds": terms.max_rounds if terms else 0,
        "offer_validity_hours": terms.offer_validity_hours if terms else 0,
        "cart_total": str(sum((Decimal(line["line_total"]) for line in quotable), Decimal(0))),
    })
    return context


def _assets(prefix: str) -> dict[str, Any]:
    return {
        "api": prefix + "/api",
        # The panel shares the widget's stylesheet (its reset, buttons, fields, focus) and adds its own.
        "widget_css": url_for("counteroffer_widget.static", filename="counteroffer/widget.css"),
        "css": url_for("counteroffer_widget.static", filename="counteroffer/quote_panel.css"),
        "kit": url_for("counteroffer_widget.static", filename="counteroffer/kit.js"),
        "told_js": url_for("counteroffer_widget.static", filename="counteroffer/quote_told.js"),
        # How a quote reads (lines, totals, links): the panel's and the list's, before either.
        "view_js": url_for("counteroffer_widget.static", filename="counteroffer/quote_view.js"),
        "js": url_for("counteroffer_widget.static", filename="counteroffer/quote_panel.js"),
        "list_js": url_for("counteroffer_widget.static", filename="counteroffer/quote_list.js"),
    }


def _lines(extension: Any, actor: Actor, cart_lines: Iterable[Any]) -> tuple[list[dict[str, Any]], list[str], Any]:
    """The lines the buyer may negotiate, priced as the cart prices them, and the SKUs left out
    (a product the plugin does not sell online). The same SKU twice is one line."""
    quotable: dict[str, dict[str, Any]] = {}
    left_out: list[str] = []
    terms_seen = None
    for sku, quantity in _pairs(cart_lines):
        try:
            terms = extension.product_terms(sku, actor)
        except NegotiationError:
            left_out.append(sku)
            continue
        terms_seen = terms_seen or terms
        quantity += quotable.pop(sku, {}).get("quantity", 0)
        unit = price_for_quantity(terms.list_price, terms.breaks, quantity)
        quotable[sku] = {"sku": sku, "name": terms.name, "quantity": quantity,
                         "order_multiple": terms.order_multiple, "price_for_quantity": str(unit),
                         "line_total": str(unit * quantity)}
    return list(quotable.values()), left_out, terms_seen


def _pairs(cart_lines: Iterable[Any]) -> Iterable[tuple[str, int]]:
    for line in cart_lines:
        get = line.get if isinstance(line, dict) else (lambda name, line=line: getattr(line, name, None))
        sku, quantity = get("sku"), get("quantity")
        if sku and isinstance(quantity, int) and quantity > 0:
            yield str(sku), quantity


def company_quotes_context() -> dict[str, Any]:
    extension = current_app.extensions["counteroffer"]
    actor = extension.current_actor()
    context = _assets(extension.state.settings.url_prefix)
    context.update({"logged_in": actor is not None, "is_buyer": bool(actor and actor.role == "buyer")})
    return context


def quote_panel_macro(cart_lines: Iterable[Any], **options: Any) -> Markup:
    """``quote_request_panel`` as a template global, so placing it is one line."""
    macro = get_template_attribute("counteroffer/quote_panel.html", "quote_request_panel")
    return Markup(macro(list(cart_lines), **options))


def company_quotes_macro(**options: Any) -> Markup:
    """``company_quotes`` as a template global: the buyer's list of their company's quotes."""
    macro = get_template_attribute("counteroffer/quote_panel.html", "company_quotes")
    return Markup(macro(**options))
