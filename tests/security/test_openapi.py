"""The OpenAPI document: served to anyone, complete, strict about request bodies, and
with the JSON error shape on every operation."""
from __future__ import annotations

import re
from typing import Any

from flask import Flask

from counteroffer.access import declared_roles
from tests.security.test_access_declared import plugin_endpoints

DOCUMENT = "/negotiate/api/openapi.json"


def fetch(app: Flask) -> dict[str, Any]:
    app.config["TEST_ACTOR"] = None
    response = app.test_client().get(DOCUMENT)
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = document["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_the_document_is_public_and_lists_every_json_route_of_the_plugin(host: Flask) -> None:
    document = fetch(host)
    assert document["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    json_routes = {(rule.rule, method) for rule in host.url_map.iter_rules()
                   if "/api/" in rule.rule and rule.rule != DOCUMENT
                   and rule.endpoint in dict(map(reversed, plugin_endpoints(host)))
                   for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    as_openapi = {(re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", path), method) for path, method in json_routes}
    assert as_openapi - documented == set(), "JSON routes missing from the OpenAPI document"


def test_request_bodies_refuse_unknown_properties_at_every_depth(host: Flask) -> None:
    document = fetch(host)
    bodies = [operation["requestBody"]["content"]["application/json"]["schema"]
              for item in document["paths"].values() for operation in item.values()
              if "requestBody" in operation]
    assert len(bodies) >= 7
    for body in bodies:
        for schema in _objects(document, resolve(document, body)):
            assert schema.get("additionalProperties") is False, schema


def _objects(document: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Every object with named properties. A free-form map (a rule's ``params``, checked per
    rule kind by the rules loader, not by a schema) has no properties to name."""
    if schema.get("type") == "object" and "properties" not in schema:
        return []
    found = [schema] if schema.get("type") == "object" else []
    for prop in schema.get("properties", {}).values():
        inner = resolve(document, prop.get("items", prop))
        found += _objects(document, inner)
    return found


def test_every_operation_documents_the_json_error_and_its_roles(host: Flask) -> None:
    document = fetch(host)
    error = document["components"]["schemas"]["Error"]
    assert resolve(document, error["properties"]["error"])["required"] == ["code", "fields", "message"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert {"400", "401", "403", "422"} <= set(operation["responses"]), (path, method)
            assert operation["responses"]["401"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"}
            assert operation["x-roles"], (path, method)


def test_money_is_a_decimal_string_in_the_document(host: Flask) -> None:
    schemas = fetch(host)["components"]["schemas"]
    price = schemas["PriceRequest"]["properties"]["target_unit_price"]
    assert (price["type"], price["format"]) == ("string", "decimal") and "minimum" not in price
    assert schemas["Offer"]["properties"]["unit_price"]["type"] == "string"


def test_the_document_itself_is_declared_public(host: Flask) -> None:
    assert declared_roles(host, "counteroffer_openapi.document") == frozenset({"*"})


def _pattern(node: dict[str, Any]) -> re.Pattern[str]:
    return re.compile(node["pattern"])


def test_money_states_its_minimum_and_the_places_of_each_currency(host: Flask) -> None:
    schemas = fetch(host)["components"]["schemas"]
    any_price = _pattern(schemas["Counter"]["properties"]["target_unit_price"])
    assert [bool(any_price.fullmatch(text)) for text in ("0", "0.00", "0.001", "110.001", "1.0001", "01", "1e2")] == [
        False, False, True, True, False, False, False]
    by_currency = {code: _pattern(branch["properties"]["target_unit_price"])
                   for branch in schemas["PriceRequest"]["anyOf"]
                   for code in branch["properties"]["currency"]["enum"]}
    assert by_currency["USD"].fullmatch("110.00") and not by_currency["USD"].fullmatch("110.001")
    assert by_currency["JPY"].fullmatch("11000") and not by_currency["JPY"].fullmatch("11000.5")
    assert by_currency["KWD"].fullmatch("35.125") and not by_currency["KWD"].fullmatch("35.1255")
    assert set(by_currency) == set(schemas["PriceRequest"]["properties"]["currency"]["enum"])


def test_bodies_with_required_fields_are_required_and_text_has_no_control_characters(host: Flask) -> None:
    document = fetch(host)
    paths = document["paths"]
    required = {(path, method): operation["requestBody"]["required"]
                for path, item in paths.items() for method, operation in item.items() if "requestBody" in operation}
    assert required[("/negotiate/api/requests", "post")] is True
    assert required[("/negotiate/api/escalations/{escalation_id}/decision", "post")] is True
    assert required[("/negotiate/api/offers/{offer_id}/accept", "post")] is False
    sku = _pattern(document["components"]["schemas"]["PriceRequest"]["properties"]["sku"])
    assert sku.fullmatch("DEMO-120") and not sku.fullmatch("A\x00B") and not sku.fullmatch("A\x85B")
    rationale = _pattern(document["components"]["schemas"]["Decision"]["properties"]["rationale"])
    assert rationale.fullmatch("Good customer,\nsecond line") and not rationale.fullmatch("  \n ")
    for path, item in paths.items():
        for operation in item.values():
            for parameter in operation["parameters"]:
                schema = parameter["schema"]
                if schema.get("type") == "integer" and parameter["in"] == "path":
                    assert schema["maximum"] == 2**31 - 1, path
                elif schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
                    assert not _pattern(schema).fullmatch("a\tb"), (path, parameter["name"])


def test_limits_and_the_rules_json_schema_cannot_state_are_in_the_document(host: Flask) -> None:
    document = fetch(host)
    operations = {(path, method): operation for path, item in document["paths"].items()
                  for method, operation in item.items()}
    for (path, _method), operation in operations.items():
        assert "413" in operation["responses"], path
        assert ("415" in operation["responses"]) == ("requestBody" in operation), path
    results = operations[("/negotiate/api/results", "get")]
    assert "1,100 days" in results["description"]
    assert {refusal["fields"][0] for refusal in results["x-refusals"]} == {"from", "to"}
    delegation = operations[("/negotiate/api/delegations", "post")]
    assert "ends_at is not after starts_at" in delegation["description"]
    decision = document["components"]["schemas"]["Decision"]
    assert {"required": ["unit_price"], "properties": {"action": {"enum": ["counter"]}}} in decision["anyOf"]
    # An approval or rejection may carry a message to the buyer, never a price of its own.
    assert "never sees it" in decision["properties"]["rationale"]["description"]
    assert decision["properties"]["buyer_message"]["maxLength"] == 1000
    [own_terms] = [branch for branch in decision["anyOf"] if "not" in branch]
    assert own_terms["properties"]["action"]["enum"] == ["approve", "reject"]
    assert {"required": ["unit_price"]} in own_terms["not"]["anyOf"] and "maxProperties" not in own_terms
    assert "1 MiB" in document["info"]["description"] and "20 deep" in document["info"]["description"]
    for operation in operations.values():
        for refusal in operation.get("x-refusals", []):
            re.compile(refusal["message"])
            assert refusal["status"] == 422 and refusal["fields"] and refusal["when"]
