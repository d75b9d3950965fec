"""Checks of category and all-products rules against every product they cover.

A SKU rule is checked against its product (``rule_checks.py``). A rule scoped to a
category, or to all products, covers many: its minimum unit price must not be below the
cost of any of them, and an amount of money in it (a minimum price, break prices, a
term's value per unit, an approval limit) is in one currency, the rule set's. That needs
a catalog that can answer for a whole scope (``ScopeCatalog``: the SQL default can); a
host's catalog that only looks SKUs up cannot, and then these checks are skipped
(docs/admin.md says so).
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ...adapters.ports import ScopeCatalog
from ...db.rulesets import RuleVersion
from ..shared.deps import Deps

__all__ = ["scope_errors", "MONEY_PARAMS"]

Errors = dict[str, list[str]]
#: The parameter of each kind that holds an amount of money (the first one present counts).
MONEY_PARAMS = {"floor": ("min_unit_price",), "price_breaks": ("breaks",),
                "term_lever": ("value_per_unit",), "routing": ("auto_approval_limit", "auto_accept_limit"),
                "order_tiers": ("tiers",),
                "competing_offer": ("beat_by_amount", "document_above")}
NAMED = 5  # offending SKUs named in a message


def scope_errors(deps: Deps, session: Session, version: RuleVersion, record: Mapping[str, Any],
                 set_currency: str | None) -> Errors:
    """Errors of a rule without a SKU, ``{}`` for a SKU rule or a catalog that cannot tell.
    ``set_currency`` is the rule set's currency as far as its SKU rules tell; a first
    money rule over products of one currency fixes it on ``version``."""
    catalog = deps.catalog_for(session)
    if record.get("sku") or not isinstance(catalog, ScopeCatalog):
        return {}
    params, category = record.get("params") or {}, record.get("category")
    money = next((name for name in MONEY_PARAMS.get(record.get("kind", ""), ()) if params.get(name)), None)
    if money is None:
        return {}
    errors = _currency_errors(catalog, version, category, f"params.{money}", set_currency)
    if not errors and money == "min_unit_price":
        errors = _below_cost(catalog, Decimal(str(params[money])), category)
    return errors


def _scope_name(category: str | None) -> str:
    return f"category {category}" if category else "all products"


def _currency_errors(catalog: ScopeCatalog, version: RuleVersion, category: str | None,
                     field: str, set_currency: str | None) -> Errors:
    found = catalog.currencies(category)
    if len(found) > 1:
        listed = ", ".join(f"{currency} ({sku})" for currency, sku in sorted(found.items()))
        return {field: [f"The products of {_scope_name(category)} are priced in {listed}: an "
                        "amount of money can only be in one currency. Scope this rule to a "
                        "category or SKU priced in one currency."]}
    if not found:
        return {}  # no product in scope yet: nothing to compare with
    [(currency, sku)] = found.items()
    if set_currency is not None and currency != set_currency:
        return {field: [f"The products of {_scope_name(category)} are priced in {currency} "
                        f"({sku}); this rule set is in {set_currency} (one currency per rule set)."]}
    version.currency = set_currency or currency  # the first rule with money fixes it
    return {}


def _below_cost(catalog: ScopeCatalog, minimum: Decimal, category: str | None) -> Errors:
    costlier, total = catalog.costlier_than(minimum, category, NAMED)
    if not total:
        return {}
    named = ", ".join(f"{sku} (cost {_amount(cost)})" for sku, cost in costlier)
    more = f" and {total - len(costlier)} more" if total > len(costlier) else ""
    products = "1 product" if total == 1 else f"{total} products"
    return {"params.min_unit_price": [
        f"Below the cost of {products} of {_scope_name(category)}: {named}{more}. "
        "A floor is never below cost: raise it, or scope it to a category or SKU."]}


def _amount(cost: Decimal) -> str:
    """80.0000 -> 80.00, 0.1250 -> 0.125: the stored four places, without empty ones."""
    cents = cost.quantize(Decimal("0.01"))
    return f"{cents}" if cents == cost else f"{cost.normalize():f}"
