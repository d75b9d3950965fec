"""What a pricing manager's rule must satisfy before it enters a version.

The engine's loader decides what a rule may hold (``RuleDataError`` names the field);
these checks add what needs the catalog and the rest of the set: a SKU that exists and
is priced in the set's currency, a floor never below cost (category and all-products
rules: ``rule_scope_checks.py``), one rule per kind, scope and priority. Errors are
``{field: [message]}``; fields inside ``params`` are named ``params.<name>``
(``params.breaks[1].unit_price``), so an editor can put each message next to its input
and the API can return them as they are.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...adapters import AdapterError, CatalogItem
from ...adapters.ports import ListPriceScopeCatalog
from ...db import transaction
from ...db.models import Rule
from ...db.rulesets import RuleVersion
from ...rules import round_money
from ...rules.loading import RuleDataError, rule_from_record
from ..shared.deps import Deps
from .rule_scope_checks import NAMED, scope_errors
from .rule_scopes import SCOPE_FIELDS, DuplicateRules, duplicate_rules, same_scope, scope_key

__all__ = ["Errors", "SCOPE_FIELDS", "DuplicateRules", "check_rule", "duplicate_rules",
           "find_duplicate_rules", "rule_warnings", "same_scope", "scope_key"]

Errors = dict[str, list[str]]


def check_rule(deps: Deps, session: Session, version: RuleVersion, record: Mapping[str, Any],
               rule_id: int | None = None) -> Errors:
    errors = _engine_errors(record)
    if record.get("sku") and record.get("category"):
        errors.setdefault("category", []).append("Scope a rule to a SKU or a category, not both.")
    if record.get("sku") and "sku" not in errors:
        errors.update(_sku_errors(deps, session, version, record))
    if not errors and not record.get("sku"):
        errors.update(scope_errors(deps, session, version, record, _set_currency(deps, session, version)))
    if not errors:
        errors.update(_duplicate_errors(session, version.id, record, rule_id))
    return errors


def _engine_errors(record: Mapping[str, Any]) -> Errors:
    try:
        rule_from_record(record)
    except RuleDataError as error:
        where = error.field if error.field in SCOPE_FIELDS or error.field == "params" else f"params.{error.field}"
        return {where: [_sentence(error.reason)]}
    return {}


def _sentence(reason: str) -> str:
    return reason[:1].upper() + reason[1:] + ("" if reason.endswith(".") else ".")


def _sku_errors(deps: Deps, session: Session, version: RuleVersion,
                record: Mapping[str, Any]) -> Errors:
    item = deps.catalog_item(session, record["sku"])
    if item is None:
        return {"sku": [f"No product with SKU {record['sku']}."]}
    _set_currency(deps, session, version)
    if version.currency is not None and item.currency != version.currency:
        return {"sku": [f"{item.sku} is priced in {item.currency}; this rule set is in "
                        f"{version.currency} (one currency per rule set)."]}
    version.currency = version.currency or item.currency  # the first SKU fixes it
    if record.get("kind") == "floor":
        return _floor_below_cost(record.get("params") or {}, item)
    return {}


def _set_currency(deps: Deps, session: Session, version: RuleVersion) -> str | None:
    if version.currency is None:
        version.currency = _currency_of_rules(deps, session, version.id)
    return version.currency


def _currency_of_rules(deps: Deps, session: Session, version_id: int) -> str | None:
    """A set saved before currencies were fixed (the host's ``save_rule``) is in the
    currency of the products its SKU rules name."""
    for sku in session.scalars(select(Rule.sku).where(Rule.version_id == version_id,
                                                      Rule.sku.is_not(None)).limit(20)):
        item = deps.catalog_item(session, cast(str, sku))  # the query keeps SKU rules only
        if item is not None:
            return item.currency
    return None


def _floor_below_cost(params: Mapping[str, Any], item: CatalogItem) -> Errors:
    minimum = params.get("min_unit_price")
    if minimum is None or item.cost is None:  # no cost kept: nothing to be below
        return {}  # a margin floor is cost plus a non-negative margin: never below cost
    if Decimal(str(minimum)) < item.cost:
        return {"params.min_unit_price": [f"Below the cost of {item.sku} ({item.cost} "
                                          f"{item.currency}): a floor is never below cost."]}
    return {}


def _duplicate_errors(session: Session, version_id: int, record: Mapping[str, Any],
                      rule_id: int | None) -> Errors:
    other = same_scope(session, version_id, record)
    if other is None or other.id == rule_id:
        return {}
    return {"priority": [f"Rule #{other.id} is already a {other.kind} rule for this scope and "
                         "priority: edit that one, or give this one another priority."]}


def find_duplicate_rules(deps: Deps) -> list[DuplicateRules]:
    """``flask counteroffer rules check``: rules stored twice for one scope, in any version."""
    with transaction(deps.session_factory) as session:
        return duplicate_rules(session)


def rule_warnings(deps: Deps, record: Mapping[str, Any]) -> list[str]:
    """What a saved rule may do that the pricing manager should know, without refusing
    it: a price break at or above today's list price (a sale took the price under it) is
    never shown nor offered while the price stays there. Only where the catalog can say:
    a SKU rule whose product it knows (and can reach right now), or a category or
    all-products rule where the catalog can list the scope (``ListPriceScopeCatalog``)."""
    if record.get("kind") != "price_breaks":
        return []
    breaks = (record.get("params") or {}).get("breaks") or []
    try:
        with transaction(deps.session_factory) as session:
            if not record.get("sku"):
                return _scope_break_warnings(deps.catalog_for(session), record.get("category"), breaks)
            item = deps.catalog_item(session, record["sku"])
    except AdapterError:
        return []  # the back office cannot say now; the rule is saved all the same
    if item is None:
        return []
    return [f"The break from {step['min_quantity']:,} units ({step['unit_price']} {item.currency}) is at or above "
            f"today's list price of {round_money(item.list_price, item.currency)} {item.currency} for {item.sku}: "
            "buyers will not see or be offered it while the list price stays there."
            for step in breaks if Decimal(str(step["unit_price"])) >= item.list_price]


def _scope_break_warnings(catalog: object, category: str | None, breaks: list[Any]) -> list[str]:
    if not isinstance(catalog, ListPriceScopeCatalog):
        return []
    scope = f"category {category}" if category else "the shop"
    found = []
    for step in breaks:
        price = Decimal(str(step["unit_price"]))
        listed, total = catalog.listed_at_or_below(price, category, NAMED)
        if not total:
            continue
        named = ", ".join(f"{sku} ({round_money(list_price, currency)} {currency})"
                          for sku, list_price, currency in listed)
        more = f" and {total - len(listed)} more" if total > len(listed) else ""
        products = "1 product" if total == 1 else f"{total} products"
        found.append(f"The break from {step['min_quantity']:,} units ({step['unit_price']}) is at or above "
                     f"today's list price of {products} of {scope}: {named}{more}. Their buyers will not "
                     "see or be offered it while their list prices stay there.")
    return found
