"""The "Request a better price" widget: a Jinja macro plus plain JS and CSS, no build step.

Hosts write ``{% from "counteroffer/widget.html" import price_request_widget %}`` and
``{{ price_request_widget("SKU-1") }}`` on a product page. The macro calls
``counteroffer_widget(sku)`` below for the data it embeds.
"""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, url_for

from ..negotiation import NegotiationError
from .schemas import TermsSchema

__all__ = ["widget_context", "assets_blueprint"]

assets_blueprint = Blueprint("counteroffer_widget", __name__, static_folder="static",
                             template_folder="templates", static_url_path="/static")


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
        "sku": sku, "quantity": quantity, "api": prefix + "/api",
        "logged_in": actor is not None, "is_buyer": bool(actor and actor.role == "buyer"),
        "terms_json": json.dumps(terms) if terms else "",
        "css": url_for("counteroffer_widget.static", filename="counteroffer/widget.css"),
        "js": url_for("counteroffer_widget.static", filename="counteroffer/widget.js"),
    }
