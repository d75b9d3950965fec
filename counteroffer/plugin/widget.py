"""The "Request a better price" widget: a Jinja macro plus plain JS and CSS, no build step.

Hosts write ``{{ price_request_widget("SKU-1") }}`` on a product page (the macro is a
template global; ``{% from "counteroffer/widget.html" import price_request_widget %}``
works too). The macro calls ``counteroffer_widget(sku)`` below for the data it embeds.
"""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, get_template_attribute, url_for
from markupsafe import Markup

from ..access import public_static
from ..negotiation import NegotiationError
from .buying.schemas import MAX_QUANTITY, TermsSchema

__all__ = ["widget_context", "widget_macro", "assets_blueprint"]

# The widget's script and stylesheet are loaded by every product page, logged in or not.
assets_blueprint = public_static(Blueprint("counteroffer_widget", __name__, static_folder="static",
                                           template_folder="templates", static_url_path="/static"))


def widget_context(sku: str, quantity: int = 1) -> dict[str, Any]:
    """What the widget template needs: URLs, and the public terms if the buyer may ask."""
    extension = current_app.extensions["counteroffer"]
    prefix = extension.state.settings.url_prefix
    actor = extension.current_actor()
    terms = None
    if actor is not None and actor.role == "buyer":
        try:
            terms = TermsSchema().dump(extension.product_terms(sku, actor))
        except NegotiationError:
            terms = None  # the product is not negotiable: the widget says so
    return {
        "sku": sku, "quantity": quantity, "api": prefix + "/api", "max_quantity": MAX_QUANTITY,
        "logged_in": actor is not None, "is_buyer": bool(actor and actor.role == "buyer"),
        "terms_json": json.dumps(terms) if terms else "",
        "css": url_for("counteroffer_widget.static", filename="counteroffer/widget.css"),
        # The helpers the widget shares with the quote panel, then the widget's own parts (the
        # terms shown before asking, what a buyer tells), then widget.js: the macro loads them in this order.
        "kit": url_for("counteroffer_widget.static", filename="counteroffer/kit.js"),
        "terms_js": url_for("counteroffer_widget.static", filename="counteroffer/widget_terms.js"),
        "told_js": url_for("counteroffer_widget.static", filename="counteroffer/widget_told.js"),
        "js": url_for("counteroffer_widget.static", filename="counteroffer/widget.js"),
    }


def widget_macro(sku: str, **options: Any) -> Markup:
    """``price_request_widget`` as a template global, so placing it is one line."""
    macro = get_template_attribute("counteroffer/widget.html", "price_request_widget")
    return Markup(macro(sku, **options))
