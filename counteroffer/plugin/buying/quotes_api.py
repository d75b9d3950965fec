"""The buyer's quote API: a whole cart negotiated at once, and its one deal. Routes of the
buyer blueprint (``api.py``): the same roles, rate limits, JSON errors and CSRF defence."""
from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from ... import negotiation as uc
from ...access import BUYER, allow
from ..idempotency import idempotent
from ..json_body import load_body
from .api import _actor, _extension, api
from .quotes_schemas import (
    QuoteCounterSchema,
    QuoteDealSchema,
    QuoteListQuerySchema,
    QuoteRedeemSchema,
    QuoteRequestSchema,
    QuoteSchema,
)
from .schemas import EmptySchema, WhyNotSchema, WithdrawSchema

__all__ = ["lines_of", "target_of", "quote_tell_of"]

_quote, _quotes, _deal = QuoteSchema(), QuoteSchema(many=True), QuoteDealSchema()
_request, _counter, _redeem = QuoteRequestSchema(), QuoteCounterSchema(), QuoteRedeemSchema()
_empty, _list_query = EmptySchema(), QuoteListQuerySchema()
_why_not, _withdraw = WhyNotSchema(), WithdrawSchema()


def lines_of(data: dict[str, Any]) -> list[uc.LineAsk]:
    return [uc.LineAsk(line["sku"], line["quantity"], line.get("target_unit_price")) for line in data["lines"]]


def target_of(data: dict[str, Any]) -> Any:
    target = data.get("order_target") or {}
    return uc.order_target_of(target.get("total"), target.get("discount_pct"))


def quote_tell_of(data: dict[str, Any]) -> Any:
    """The competing offer and needed_by sent with a quote, if any (negotiation/quotes/told.py)."""
    cited = data.get("competing_offer") or {}
    return uc.QuoteTell(competitor=cited["competitor"].strip() if cited else None, total=cited.get("total"),
                        line_prices=tuple((line["sku"], line["unit_price"]) for line in cited.get("lines") or ()),
                        valid_until=cited.get("valid_until"), note=cited.get("note"),
                        needed_by=data.get("needed_by"), document_id=cited.get("document_id"))


@api.post("/api/quotes")
@allow(BUYER)
def create_quote() -> Response:
    data, actor, deps = load_body(_request), _actor(), _extension().deps
    return idempotent(actor, data, lambda claim: uc.request_quote(
        deps, actor, lines_of(data), data["currency"], target_of(data), idempotency=claim,
        tell=quote_tell_of(data)),
        lambda view: (201, _quote.dump(view)))


@api.get("/api/quotes")
@allow(BUYER)
def list_quotes() -> Response:
    query = _list_query.load(request.args.to_dict())
    return jsonify({"quotes": _quotes.dump(uc.list_quotes(_extension().deps, _actor(), query["limit"]))})


@api.get("/api/quotes/<quote_id>")
@allow(BUYER)
def show_quote(quote_id: str) -> Response:
    return jsonify(_quote.dump(uc.get_quote(_extension().deps, _actor(), quote_id)))


@api.post("/api/quotes/<quote_id>/counter")
@allow(BUYER)
def counter_quote(quote_id: str) -> Response:
    data = load_body(_counter)
    view = uc.counter_quote(_extension().deps, _actor(), quote_id, lines_of(data), target_of(data),
                            tell=quote_tell_of(data))
    return jsonify(_quote.dump(view))


@api.post("/api/quotes/<quote_id>/withdraw")
@allow(BUYER)
def withdraw_quote(quote_id: str) -> Response:
    """Withdrawing (or declining a rep's counter), with why if the buyer says."""
    data = load_body(_withdraw)
    return jsonify(_quote.dump(uc.withdraw_quote(_extension().deps, _actor(), quote_id, data.get("reason"),
                                                 data.get("note"))))


@api.post("/api/quotes/<quote_id>/why-not")
@allow(BUYER)
def quote_why_not(quote_id: str) -> Response:
    """Why a withdrawn or expired quote ended without a deal: asked once, optional."""
    data = load_body(_why_not)
    return jsonify(_quote.dump(uc.tell_quote_why_not(_extension().deps, _actor(), quote_id, data["reason"],
                                                     data.get("note"))))


@api.post("/api/quotes/<quote_id>/escalate")
@allow(BUYER)
def escalate_quote(quote_id: str) -> Response:
    load_body(_empty)
    return jsonify(_quote.dump(uc.escalate_quote(_extension().deps, _actor(), quote_id)))


@api.post("/api/quote-offers/<quote_offer_id>/accept")
@allow(BUYER)
def accept_quote_offer(quote_offer_id: str) -> Response:
    data, actor, deps = load_body(_empty), _actor(), _extension().deps
    return idempotent(actor, data, lambda claim: uc.accept_quote_offer(deps, actor, quote_offer_id, claim),
                      lambda view: (201, _deal.dump(view)))


@api.post("/api/quote-deals/<quote_token>/redeem")
@allow(BUYER)
def redeem_quote(quote_token: str) -> Response:
    data, actor, deps = load_body(_redeem), _actor(), _extension().deps
    cart = [(line["sku"], line["quantity"]) for line in data["lines"]]
    return idempotent(actor, data, lambda claim: uc.redeem_quote(
        deps, quote_token, cart, order_ref=data.get("order_ref"), actor=actor, idempotency=claim),
        lambda view: (200, _deal.dump(view)))


# Path parameters are named apart from the line API's (offer_id, token), so that the
# OpenAPI document, and the fuzzer reading it, tell a quote's objects from a line's.
# No release route, as for line deals (api.py): giving a redemption back is the shop's call.
