"""Catalog, customers and orders read over HTTP/JSON from the shop's ERP or platform.

The contract (paths and bodies) is in docs/integration.md and ``contract.py``. Each
adapter owns a ``JsonClient``; give the adapters of one back office the same
``CircuitBreaker`` (and ``requests.Session``) so they fail fast together::

    breaker = CircuitBreaker(failure_threshold=5, reset_seconds=30)
    counteroffer.use_catalog(HttpCatalog("https://erp.example/co", breaker=breaker))
    counteroffer.use_customers(HttpCustomers("https://erp.example/co", breaker=breaker))
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime

import requests

from .contract import load_customer, load_item, load_last_price, load_order_lines, load_order_status
from .errors import BackOfficeUnavailableError
from .http import JsonClient, Timeout, segment
from .ports import CatalogItem, Customer, LastPrice, OrderLine
from .resilience import CircuitBreaker, RetryPolicy, TtlCache

__all__ = ["HttpCatalog", "HttpCustomers", "HttpOrders"]


class _HttpPort:
    def __init__(self, base_url: str, session: requests.Session | None = None,
                 timeout: Timeout = 3.0, cache_seconds: float = 30.0,
                 breaker: CircuitBreaker | None = None, retry: RetryPolicy | None = None,
                 headers: Mapping[str, str] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = JsonClient(base_url, session=session, timeout=timeout, retry=retry,
                                 breaker=breaker, headers=headers)
        self.cache = TtlCache(cache_seconds, clock)


class HttpCatalog(_HttpPort):
    """``GET {base_url}/products/{sku}``; answers are cached ``cache_seconds`` (0: off)."""

    def item(self, sku: str) -> CatalogItem | None:
        return self.cache.get_or_load(sku, lambda: self._fetch(sku))

    def _fetch(self, sku: str) -> CatalogItem | None:
        path = f"/products/{segment(sku)}"
        body = self.client.get(path)
        return None if body is None else load_item(body, sku, f"GET {path}")


class HttpCustomers(_HttpPort):
    """``GET {base_url}/customers/{id}`` (cached) and ``.../last-prices/{sku}`` (not
    cached: it changes with every order)."""

    def customer(self, company_id: str) -> Customer | None:
        return self.cache.get_or_load(company_id, lambda: self._fetch(company_id))

    def last_price_paid(self, company_id: str, sku: str) -> LastPrice | None:
        path = f"/customers/{segment(company_id)}/last-prices/{segment(sku)}"
        body = self.client.get(path)
        return None if body is None else load_last_price(body, f"GET {path}")

    def _fetch(self, company_id: str) -> Customer | None:
        path = f"/customers/{segment(company_id)}"
        body = self.client.get(path)
        return None if body is None else load_customer(body, company_id, f"GET {path}")


class HttpOrders(_HttpPort):
    """``GET {base_url}/orders?company_id=&sku=&since=`` and ``GET {base_url}/orders/{ref}``
    (never cached: an order is cancelled at any moment)."""

    def order_lines(self, company_id: str, sku: str, since: datetime) -> tuple[OrderLine, ...]:
        params = {"company_id": company_id, "sku": sku, "since": since.isoformat()}
        body = self.client.get("/orders", params=params)
        if body is None:  # a collection is never "not found": the URL is wrong
            raise BackOfficeUnavailableError("GET /orders answered 404")
        return load_order_lines(body, company_id, "GET /orders")

    def order_status(self, order_ref: str) -> str | None:
        path = f"/orders/{segment(order_ref)}"
        body = self.client.get(path)
        return None if body is None else load_order_status(body, order_ref, f"GET {path}")
