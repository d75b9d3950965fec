"""The buyer's JSON API: thin views that parse, call one use case, and dump."""
from __future__ import annotations

import base64
import binascii
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from marshmallow import ValidationError

from ... import negotiation as uc
from ...access import ANY_USER, BUYER, allow
from ...negotiation import Actor, UnauthenticatedError
from ..errors import install_error_handlers
from ..idempotency import idempotent
from ..json_body import load_body
from .schemas import (
    CounterSchema,
    DealSchema,
    DocumentSchema,
    DocumentUploadSchema,
    EmptySchema,
    ListQuerySchema,
    NegotiationSchema,
    PriceRequestSchema,
    RedeemSchema,
    TermsSchema,
    WhyNotSchema,
    WithdrawSchema,
)

__all__ = ["api"]

api = Blueprint("negotiation", __name__)
install_error_handlers(api)

# Built once: a marshmallow schema copies its fields on construction, and they hold no
# per-call state, so one instance serves every request and thread.
_negotiation, _negotiations = NegotiationSchema(), NegotiationSchema(many=True)
_deal, _terms = DealSchema(), TermsSchema()
_price_request, _counter, _redeem = PriceRequestSchema(), CounterSchema(), RedeemSchema()
_empty, _list_query = EmptySchema(), ListQuerySchema()
_why_not, _withdraw = WhyNotSchema(), WithdrawSchema()
_upload, _document = DocumentUploadSchema(), DocumentSchema()


def _extension() -> Any:
    return current_app.extensions["counteroffer"]


def _tell(data: dict[str, Any]) -> uc.Tell:
    """The competing offer and needed_by the buyer sent, if any (negotiation/buying/told.py)."""
    cited = data.get("competing_offer") or {}
    return uc.Tell(competitor=cited["competitor"].strip() if cited else None, unit_price=cited.get("unit_price"),
                   valid_until=cited.get("valid_until"), note=cited.get("note"), needed_by=data.get("needed_by"),
                   document_id=cited.get("document_id"))


def _actor() -> Actor:
    actor = _extension().current_actor()
    if actor is None:
        raise UnauthenticatedError("Log in to negotiate prices.")
    return actor


@api.post("/api/requests")
@allow(BUYER)
def create_request() -> Response:
    data, actor, deps = load_body(_price_request), _actor(), _extension().deps
    return idempotent(actor, data, lambda claim: uc.request_price(
        deps, actor, data["sku"], data["quantity"], data["target_unit_price"], data["currency"],
        idempotency=claim, tell=_tell(data)), lambda view: (201, _negotiation.dump(view)))


@api.get("/api/requests")
@allow(BUYER)
def list_requests() -> Response:
    query = _list_query.load(request.args.to_dict())
    views = uc.list_negotiations(_extension().deps, _actor(), sku=query.get("sku"),
                                 status=query.get("status"), limit=query["limit"])
    return jsonify({"requests": _negotiations.dump(views)})


@api.get("/api/requests/<negotiation_id>")
@allow(BUYER)
def show_request(negotiation_id: str) -> Response:
    return jsonify(_negotiation.dump(uc.get_negotiation(_extension().deps, _actor(), negotiation_id)))


@api.post("/api/requests/<negotiation_id>/counter")
@allow(BUYER)
def counter_request(negotiation_id: str) -> Response:
    data = load_body(_counter)
    view = uc.counter(_extension().deps, _actor(), negotiation_id, data["target_unit_price"],
                      data.get("quantity"), tell=_tell(data))
    return jsonify(_negotiation.dump(view))


@api.post("/api/requests/<negotiation_id>/withdraw")
@allow(BUYER)
def withdraw_request(negotiation_id: str) -> Response:
    data = load_body(_withdraw)
    return jsonify(_negotiation.dump(uc.withdraw(_extension().deps, _actor(), negotiation_id,
                                                 data.get("reason"), data.get("note"))))


@api.post("/api/documents")
@allow(BUYER)
def upload_document() -> tuple[Response, int]:
    """A competitor's quote to cite: checked, then kept for the company (docs/competing-offers.md)."""
    data = load_body(_upload)
    try:
        content = base64.b64decode(data["content_base64"], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"content_base64": ["Send the file's bytes as base64."]}) from None
    view = uc.upload_document(_extension().deps, _actor(), data["filename"], content)
    return jsonify(_document.dump(view)), 201


@api.post("/api/requests/<negotiation_id>/why-not")
@allow(BUYER)
def why_not(negotiation_id: str) -> Response:
    """Why a withdrawn or expired request ended without a deal: asked once, optional."""
    data = load_body(_why_not)
    return jsonify(_negotiation.dump(uc.tell_why_not(_extension().deps, _actor(), negotiation_id,
                                                     data["reason"], data.get("note"))))


@api.post("/api/requests/<negotiation_id>/escalate")
@allow(BUYER)
def escalate_request(negotiation_id: str) -> Response:
    load_body(_empty)
    return jsonify(_negotiation.dump(uc.escalate(_extension().deps, _actor(), negotiation_id)))


@api.post("/api/offers/<offer_id>/accept")
@allow(BUYER)
def accept_offer(offer_id: str) -> Response:
    data, actor, deps = load_body(_empty), _actor(), _extension().deps
    return idempotent(actor, data, lambda claim: uc.accept_offer(deps, actor, offer_id, claim),
                      lambda view: (201, _deal.dump(view)))


@api.post("/api/deals/<token>/redeem")
@allow(BUYER)
def redeem_deal(token: str) -> Response:
    data, actor, deps = load_body(_redeem), _actor(), _extension().deps
    return idempotent(actor, data, lambda claim: uc.redeem_deal(
        deps, token, actor=actor, sku=data.get("sku"), quantity=data.get("quantity"),
        order_ref=data.get("order_ref"), idempotency=claim), lambda view: (200, _deal.dump(view)))


# No release route: giving a redemption back is the shop's call, made from its own code
# once its orders confirm the order did not happen (counteroffer.release_deal, releases.py).
# A buyer who could call it would buy any number of orders with one deal.


@api.get("/api/products/<sku>/terms")
@allow(*ANY_USER)
def product_terms(sku: str) -> Response:
    return jsonify(_terms.dump(uc.product_terms(_extension().deps, _actor(), sku)))
