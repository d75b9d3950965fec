"""Buyer responses carry no cost, floor, margin or anything meant for the seller's people:
checked on the response schemas (every field, nested ones too) and on real responses."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from counteroffer.plugin.buying import quotes_schemas, schemas
from tests.approvals import ANN
from tests.security.world import AGREED, COUNTERED, ESCALATING, QUOTE_AGREED, QUOTE_CART, QUOTE_COUNTERED, World

SELLER_ONLY = ("cost", "floor", "margin", "explanation", "rationale", "headroom", "reason",
               "authority", "assignee", "decided_by", "discount_pct")
BUYER_SCHEMAS = (schemas.NegotiationSchema, schemas.DealSchema, schemas.TermsSchema,
                 schemas._RequestPart)


def schema_field_names(schema: Schema | type[Schema], seen: set[type] | None = None) -> set[str]:
    """Every field name of ``schema`` and of the schemas nested in it, at any depth."""
    seen = set() if seen is None else seen
    instance = schema() if isinstance(schema, type) else schema
    if type(instance) in seen:
        return set()
    seen.add(type(instance))
    names = set(instance.fields)
    for field in instance.fields.values():
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested):
            names |= schema_field_names(inner.schema, seen)
    return names


def response_keys(document: Any) -> set[str]:
    if isinstance(document, dict):
        return set(document) | {key for value in document.values() for key in response_keys(value)}
    if isinstance(document, list):
        return {key for value in document for key in response_keys(value)}
    return set()


def seller_only(names: set[str]) -> set[str]:
    return {name for name in names if any(word in name for word in SELLER_ONLY)}


def test_the_buyer_schemas_have_no_seller_only_field() -> None:
    names = set().union(*(schema_field_names(schema) for schema in BUYER_SCHEMAS))
    assert {"unit_price", "offers", "deal", "breaks", "list_price"} <= names  # the walk went deep
    assert seller_only(names) == set()


def test_real_buyer_responses_carry_no_seller_only_key_or_figure(world: World) -> None:
    client, app = world.app.test_client(), world.app
    app.config["TEST_ACTOR"] = ANN
    answers = [client.post("/negotiate/api/requests", json=body) for body in (COUNTERED, AGREED, ESCALATING)]
    accepted = client.post(f"/negotiate/api/offers/{answers[1].get_json()['offers'][0]['id']}/accept")
    answers += [accepted, client.get("/negotiate/api/requests"),
                client.get(f"/negotiate/api/requests/{answers[2].get_json()['id']}"),
                client.get("/negotiate/api/products/DEMO-120/terms"),
                client.post(f"/negotiate/api/deals/{accepted.get_json()['token']}/redeem", json={})]
    assert all(answer.status_code < 300 for answer in answers), [a.get_json() for a in answers]
    for answer in answers:
        assert seller_only(response_keys(answer.get_json())) == set(), answer.get_json()
        text = answer.get_data(as_text=True)
        assert "96.00" not in text and "80.00" not in text  # DEMO-120's floor and cost


#: The quote echoes the buyer's own order target, which may be a ``discount_pct`` (the
#: buyer's ask, not a rep's authority): that one name is the buyer's here.
QUOTE_SCHEMAS = (quotes_schemas.QuoteSchema, quotes_schemas.QuoteDealSchema)


def test_the_quote_schemas_have_no_seller_only_field() -> None:
    names = set().union(*(schema_field_names(schema) for schema in QUOTE_SCHEMAS))
    assert {"unit_price", "offers", "deal", "line_total", "price_for_quantity"} <= names
    assert seller_only(names) == {"discount_pct"}
    assert seller_only(schema_field_names(quotes_schemas.QuoteOfferSchema)) == set()


def test_real_quote_responses_carry_no_seller_only_key(world: World) -> None:
    client, app = world.app.test_client(), world.app
    app.config["TEST_ACTOR"] = ANN
    api = "/negotiate/api"
    answers = [client.post(f"{api}/quotes", json=body) for body in (QUOTE_COUNTERED, QUOTE_AGREED)]
    accepted = client.post(f"{api}/quote-offers/{answers[1].get_json()['offers'][0]['id']}/accept")
    answers += [accepted, client.get(f"{api}/quotes"), client.get(f"{api}/quotes/{answers[1].get_json()['id']}"),
                client.post(f"{api}/quotes/{answers[0].get_json()['id']}/escalate"),
                client.post(f"{api}/quote-deals/{accepted.get_json()['token']}/redeem", json={"lines": QUOTE_CART})]
    assert all(answer.status_code < 300 for answer in answers), [a.get_json() for a in answers]
    for answer in answers:
        assert seller_only(response_keys(answer.get_json())) - {"discount_pct"} == set(), answer.get_json()
        assert "96.00" not in answer.get_data(as_text=True)  # DEMO-120's floor
