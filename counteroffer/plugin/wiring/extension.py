"""``Counteroffer``: the Flask extension, in the manner of Flask-SQLAlchemy and Flask-Login.

The app is never stored on the extension: per-app state lives in a WeakKeyDictionary and
is found through ``current_app``, so one extension object can serve several apps (factory
pattern, tests) in one process.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from flask import Flask, current_app

from ...adapters import (
    Catalog,
    CatalogItem,
    Customer,
    Customers,
    FunctionCatalog,
    FunctionCustomers,
    FunctionOrders,
    Mailer,
    Orders,
    SignedWebhooks,
    SmtpMailer,
    SqlCatalog,
    SqlCustomers,
    Webhooks,
)
from ...db import make_engine, make_session_factory, rule_changes
from ...db import upgrade as upgrade_schema
from ...jobs.connection import RedisProvider
from ...negotiation import (
    Actor,
    DealView,
    Deps,
    ProductTerms,
    deal_for_token,
    deals_for_order,
    product_terms,
    redeem_deal,
    release_deal,
    release_order,
    release_quote_order,
)
from ...negotiation.approvals import escalations
from ...negotiation.approvals.escalations import EscalationView, Rep, SweepResult
from ...negotiation.buying.releases import NO_ORDERS_PORT
from ...negotiation.pricing import setup
from ...negotiation.shared.cache import LookupCache
from ...negotiation.shared.deps import utc_now
from .config import Settings, read_settings
from .quote_calls import QuoteCalls
from .state import AppState

__all__ = ["Counteroffer", "AppState"]

F = TypeVar("F", bound=Callable[..., Any])
EXTENSION_KEY = "counteroffer"


class Counteroffer(QuoteCalls):
    def __init__(self, app: Flask | None = None, *, clock: Callable[[], datetime] = utc_now,
                 **options: Any) -> None:
        self._options = options
        self._clock = clock
        self._user_loader: Callable[[], Actor | None] | None = None
        self._catalog: Catalog | None = None  # None: the plugin's own tables
        self._customers: Customers | None = None
        self._orders: Orders | None = None  # None: no release until the host gives one
        self._mailer: Mailer | None = None  # None: from COUNTEROFFER_SMTP, if set
        self._webhooks: Webhooks | None = None
        self._states: WeakKeyDictionary[Flask, AppState] = WeakKeyDictionary()
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        if EXTENSION_KEY in app.extensions:
            raise RuntimeError("A 'Counteroffer' instance has already been registered on this "
                               "Flask app. Import and use that instance instead.")
        settings = read_settings(app.config, self._options, app.instance_path)
        app.extensions[EXTENSION_KEY] = self
        self._states[app] = self._build_state(settings)
        from . import web  # the blueprints, CLI and template helpers

        web.register(app, self, settings)

    # -- host hooks, registered as decorators (Flask-Login style) ------------------------

    def user_loader(self, callback: F) -> F:
        """Register ``callback() -> Actor | None``: who is calling, as the host knows it."""
        self._user_loader = callback
        return callback

    def catalog_loader(self, callback: F) -> F:
        """Register ``callback(sku) -> CatalogItem | None`` to use the host's catalog and costs."""
        self.use_catalog(FunctionCatalog(callback))
        return callback

    def customer_loader(self, callback: F) -> F:
        """Register ``callback(company_id) -> Customer | None`` for the buyer's segment."""
        self.use_customers(FunctionCustomers(callback))
        return callback

    def order_status_loader(self, callback: F) -> F:
        """Register ``callback(order_ref) -> "placed" | "failed" | "cancelled" | None``: what
        became of the shop's order. Giving a redemption back asks it first."""
        self.use_orders(FunctionOrders(callback))
        return callback

    def use_catalog(self, port: Catalog) -> Catalog:
        """Use a Catalog port object (e.g. ``HttpCatalog``) instead of the plugin's tables.
        The last registration, this or ``catalog_loader``, wins."""
        self._catalog = port
        self._forget_lookups()
        return port

    def use_customers(self, port: Customers) -> Customers:
        """Use a Customers port object (e.g. ``HttpCustomers``) instead of the plugin's tables."""
        self._customers = port
        self._forget_lookups()
        return port

    def use_orders(self, port: Orders) -> Orders:
        """Use an Orders port object (e.g. ``HttpOrders``): the shop's word on its orders."""
        self._orders = port
        return port

    def use_mailer(self, port: Mailer) -> Mailer:
        """Send e-mail through this Mailer (e.g. ``SmtpMailer``) instead of COUNTEROFFER_SMTP."""
        self._mailer = port
        return port

    def use_webhooks(self, port: Webhooks) -> Webhooks:
        """Deliver events through this Webhooks port instead of COUNTEROFFER_WEBHOOK_URL."""
        self._webhooks = port
        return port

    def mailer(self) -> Mailer | None:
        """The registered mailer, else one built from the current app's config, else None."""
        smtp = self.state.settings.smtp
        return self._mailer or (SmtpMailer(**smtp) if smtp else None)

    def webhooks(self) -> Webhooks | None:
        settings = self.state.settings
        if self._webhooks is None and settings.webhook_url and settings.webhook_secret:
            return SignedWebhooks(settings.webhook_url, settings.webhook_secret,
                                  allow_private=settings.webhook_allow_private)
        return self._webhooks

    def _forget_lookups(self) -> None:
        # Products and customers cached from the previous source must not outlive it.
        for state in list(self._states.values()):
            state.deps.cache.clear()

    # -- what the host calls from Python -------------------------------------------------

    def current_actor(self) -> Actor | None:
        if self._user_loader is None:
            raise RuntimeError("No user loader: decorate a function with @counteroffer.user_loader.")
        return self._user_loader()

    def deal_price(self, token: str, sku: str | None = None, quantity: int | None = None,
                   company_id: str | None = None) -> DealView:
        """The deal a token stands for, if it still applies to this cart line (else raises)."""
        return deal_for_token(self.deps, token, sku=sku, quantity=quantity, company_id=company_id)

    def redeem_deal(self, token: str, sku: str | None = None, quantity: int | None = None,
                    order_ref: str | None = None, actor: Actor | None = None) -> DealView:
        """Mark a deal used by the host's order; a second call raises ConflictError."""
        return redeem_deal(self.deps, token, actor=actor, sku=sku, quantity=quantity,
                           order_ref=order_ref)

    def release_deal(self, token: str, order_ref: str | None = None,
                     actor: Actor | None = None) -> DealView:
        """Give a redemption back once the orders port confirms its order failed, was
        cancelled or was never placed: the deal can be redeemed again until it expires.
        With ``order_ref``, only if it served that order. ``ConflictError`` while the
        order is placed; ``actor`` (the shop's user, if any) is recorded."""
        return release_deal(self.deps, token, order_ref=order_ref, actor=actor)

    def deals_for_order(self, order_ref: str) -> list[DealView]:
        """The deals redeemed for the order ``order_ref`` (none: an empty list)."""
        return deals_for_order(self.deps, order_ref)

    def release_order(self, order_ref: str, actor: Actor | None = None) -> list[DealView]:
        """``release_deal`` for every deal redeemed for the order ``order_ref``, and
        ``release_quote`` for its quote deal if a quote priced it (those views come from
        ``release_quote_order``)."""
        views = release_order(self.deps, order_ref, actor=actor)
        release_quote_order(self.deps, order_ref, actor=actor)
        return views

    def product_terms(self, sku: str, actor: Actor | None = None) -> ProductTerms:
        return product_terms(self.deps, actor, sku)

    def save_products(self, items: Iterable[CatalogItem]) -> int:
        """Load products into the plugin's own catalog (the default ``catalog_loader``)."""
        return setup.save_products(self.deps, items)

    def save_customers(self, customers: Iterable[Customer]) -> int:
        """Load companies and their segments into the plugin's own customer table."""
        return setup.save_customers(self.deps, customers)

    def save_rule(self, kind: str, params: dict[str, Any], sku: str | None = None,
                  segment: str | None = None, priority: int = 0, category: str | None = None) -> int:
        """Add a pricing rule (see docs/rules.md for the kinds); returns its id.
        Raises ``RuleDataError`` naming the field if the engine could not use it."""
        return setup.save_rule(self.deps, kind, params, sku=sku, segment=segment,
                               priority=priority, category=category)

    def save_reps(self, reps: Iterable[Rep]) -> int:
        """Add or update the reps and managers who decide escalations (by id); raises
        ValueError, writing nothing, on a bad limit or a manager who is not a rep."""
        return escalations.save_reps(self.deps, reps)

    def save_delegation(self, rep_id: str, delegate_id: str, starts_at: datetime,
                        ends_at: datetime) -> int:
        """``delegate_id`` stands in for ``rep_id`` from ``starts_at`` until ``ends_at``."""
        return escalations.save_delegation(self.deps, rep_id, delegate_id, starts_at, ends_at)

    def list_escalations(self, actor: Actor, status: str = "open") -> list[EscalationView]:
        return escalations.list_escalations(self.deps, actor, status)

    def decide_escalation(self, actor: Actor, escalation_id: str, action: str, rationale: str,
                          unit_price: Decimal | None = None, quantity: int | None = None,
                          terms: Sequence[dict[str, str]] | None = None) -> EscalationView:
        return escalations.decide_escalation(self.deps, actor, escalation_id, action, rationale,
                                             unit_price=unit_price, quantity=quantity, terms=terms)

    def sweep_escalations(self) -> SweepResult:
        """Send due reminders and move overdue escalations to managers now."""
        return escalations.sweep_escalations(self.deps)

    def catalog_size(self) -> int:
        return setup.catalog_size(self.deps)

    def relay_outbox(self) -> int:
        """Hand committed outbox messages to rq now (the worker does this every second)."""
        from .worker import relay_once

        return relay_once(self)

    def close(self) -> None:
        """Release the current app's database pool and Redis (stopping an embedded one)."""
        state = self.state
        state.engine.dispose()
        state.redis.close()

    def upgrade_database(self) -> None:
        """Apply the plugin's migrations to the current app's database."""
        upgrade_schema(self.state.engine)

    # -- per-app state -------------------------------------------------------------------

    @property
    def state(self) -> AppState:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        try:
            return self._states[app]
        except KeyError:
            raise RuntimeError("Counteroffer is not registered on the current app. "
                               "Did you forget to call 'init_app'?") from None

    @property
    def deps(self) -> Deps:
        return self.state.deps

    def _build_state(self, settings: Settings) -> AppState:
        engine = make_engine(settings.database_url, **settings.engine_options)
        if not settings.rule_notices:
            rule_changes.never_listen(engine)
        deps = Deps(session_factory=make_session_factory(engine), catalog_for=self._catalog_port,
                    customers_for=self._customers_port, orders_for=self._orders_port,
                    policy=settings.policy,
                    deal_validity=settings.deal_validity, clock=self._clock,
                    cache=LookupCache(settings.cache_seconds),
                    service_levels=settings.service_levels, guards=settings.guards,
                    links_base=settings.shop_url + settings.url_prefix)
        return AppState(settings=settings, engine=engine, deps=deps,
                        redis=RedisProvider(settings.redis_url, settings.embedded_redis_path))

    def _catalog_port(self, session: Any) -> Catalog:
        # Looked up at call time, so a port registered after init_app still counts.
        return self._catalog if self._catalog is not None else SqlCatalog(session)

    def _customers_port(self, session: Any) -> Customers:
        return self._customers if self._customers is not None else SqlCustomers(session)

    def _orders_port(self, _session: Any) -> Orders:
        if self._orders is None:  # only the shop knows what became of its orders
            raise RuntimeError(NO_ORDERS_PORT)
        return self._orders
