"""Stock: nothing is offered, agreed or redeemed for more units than the shop has.

The catalog says how many units it can deliver (``CatalogItem.available``; None when the
shop does not track stock). A request or counter for more is refused naming the
quantity; an offer, an acceptance or a deal's redemption for more than is left now is
refused with what is left. Acceptance and redemption ask the catalog afresh, not the
plugin's short-lived cache: stock moves with every order the shop takes.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from ...adapters import BackOfficeUnavailableError, CatalogItem
from .deps import Deps
from .errors import ConflictError, InvalidRequestError

__all__ = ["require_stock_for_request", "require_stock_now"]


def require_stock_for_request(item: CatalogItem, quantity: int) -> None:
    """A request or counter: at most what the shop has (a 422 on ``quantity``)."""
    if item.available is not None and quantity > item.available:
        message = _only(item.available)
        raise InvalidRequestError(message, {"quantity": [message]})


def require_stock_now(deps: Deps, session: Session, sku: str, quantity: int, what: str) -> None:
    """An acceptance or a redemption: refused (409) if fewer units are left now.

    ``what`` names the thing refused ("offer", "deal"). A catalog that cannot answer
    does not block a checkout: the shop's own order still checks its stock, and a deal's
    price, which is what the plugin guards, does not depend on it."""
    try:
        item = deps.catalog_for(session).item(sku)
    except BackOfficeUnavailableError:
        return
    if item is not None and item.available is not None and quantity > item.available:
        raise ConflictError(f"{_only(item.available)} This {what} is for {quantity:,} units; "
                            "ask again for what is in stock.")


def _only(available: int) -> str:
    if available == 0:
        return "This product is out of stock right now."
    unit = "unit is" if available == 1 else "units are"
    return f"Only {available:,} {unit} available right now."
