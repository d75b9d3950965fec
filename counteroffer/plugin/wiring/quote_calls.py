"""The quote calls of the ``Counteroffer`` extension (issue 14): what a host's cart and
checkout call from Python. Cart lines may be mappings (``{"sku", "quantity",
"target_unit_price"?}``), objects with those attributes, or ``(sku, quantity)`` pairs."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Protocol

from ...negotiation import (
    Actor,
    CartLine,
    Deps,
    LineAsk,
    QuoteCartPrices,
    QuoteDealView,
    QuoteView,
    order_target_of,
    quote_deal_for_order,
    quote_prices,
    redeem_quote,
    release_quote,
    release_quote_order,
    request_quote,
)
from ...negotiation.quotes.asks import cart_currency

__all__ = ["QuoteCalls"]


def _part(line: Any, name: str, position: int) -> Any:
    if isinstance(line, Mapping):
        return line.get(name)
    if isinstance(line, tuple):
        return line[position] if position < len(line) else None
    return getattr(line, name, None)


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _asks(lines: Iterable[Any]) -> list[LineAsk]:
    return [LineAsk(str(_part(line, "sku", 0)), int(_part(line, "quantity", 1)),
                    _money(_part(line, "target_unit_price", 2))) for line in lines]


def _cart(lines: Iterable[Any]) -> list[CartLine]:
    return [(str(_part(line, "sku", 0)), int(_part(line, "quantity", 1))) for line in lines]


class _Extension(Protocol):
    """What the quote calls use of ``Counteroffer`` (mypy checks it provides both)."""

    @property
    def deps(self) -> Deps: ...

    def current_actor(self) -> Actor | None: ...


class QuoteCalls:
    """Mixed into ``Counteroffer``; each method's ``self`` is typed by what it uses."""

    def quote_request_from_cart(self: _Extension, lines: Iterable[Any], currency: str | None = None,
                                order_target: Mapping[str, Any] | None = None,
                                actor: Actor | None = None) -> QuoteView:
        """Ask for a quote for the cart's lines (1 to 200, each SKU once), for the buyer
        logged in (or ``actor``). ``order_target``: ``{"total": "9400.00"}`` or
        ``{"discount_pct": "6"}``; per-line targets go on the lines. ``currency``: the
        products' own when not given. Raises ``InvalidRequestError`` naming the line."""
        asks = _asks(lines)
        buyer = actor or self.current_actor()
        if buyer is None:
            raise PermissionError("No buyer: log one in, or pass actor=.")
        target = order_target_of(_money((order_target or {}).get("total")),
                                 _money((order_target or {}).get("discount_pct")))
        return request_quote(self.deps, buyer, asks, currency or cart_currency(self.deps, asks), target)

    def quote_prices(self: _Extension, token: str, lines: Iterable[Any],
                     company_id: str | None = None) -> QuoteCartPrices:
        """Each cart line at the quote deal's price; ``ConflictError`` naming the line if
        the cart no longer matches the quote (a line removed, fewer units, another SKU)."""
        return quote_prices(self.deps, token, _cart(lines), company_id=company_id)

    def redeem_quote(self: _Extension, token: str, lines: Iterable[Any], order_ref: str | None = None,
                     actor: Actor | None = None) -> QuoteDealView:
        """Mark the quote deal used by the order, for the whole cart or not at all."""
        return redeem_quote(self.deps, token, _cart(lines), order_ref=order_ref, actor=actor)

    def release_quote(self: _Extension, token: str, order_ref: str | None = None,
                      actor: Actor | None = None) -> QuoteDealView:
        """Give a quote deal's redemption back once the orders port confirms its order
        failed, was cancelled or was never placed (as ``release_deal``)."""
        return release_quote(self.deps, token, order_ref=order_ref, actor=actor)

    def release_quote_order(self: _Extension, order_ref: str, actor: Actor | None = None) -> list[QuoteDealView]:
        """``release_quote`` for every quote deal redeemed for ``order_ref``."""
        return release_quote_order(self.deps, order_ref, actor=actor)

    def quote_deal_for_order(self: _Extension, order_ref: str) -> QuoteDealView | None:
        """The quote deal redeemed for the order ``order_ref`` (None if no quote priced it)."""
        return quote_deal_for_order(self.deps, order_ref)
