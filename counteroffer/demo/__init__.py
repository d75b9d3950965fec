"""The demo storefront: a small B2B shop that uses Counteroffer as any host would.

    flask --app counteroffer.demo:create_app run
    gunicorn -w 2 'counteroffer.demo:create_app()'

It uses only the plugin's public API (``from counteroffer import ...``); read it as an
example of how to wire the extension into a shop.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from sqlalchemy import Engine, create_engine, event

from . import auth, mailbox, settings
from .plugin import negotiation
from .seed import prepare_database
from .shop import cart, orders, quoting
from .shop.formatting import money, quantity
from .shop.ordering import ordering
from .shop.storefront import shop

__all__ = ["create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    values = settings.resolve(config)
    app = Flask(__name__, instance_path=settings.instance_path(values))
    app.config.update(SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_HTTPONLY=True)
    app.config.update(values)
    # Where the plugin's back office sends staff who are not logged in (it adds ?next=).
    app.config.setdefault("COUNTEROFFER_LOGIN_URL", "/demo/login")
    app.config.setdefault("COUNTEROFFER_SELLER_NAME", "Ironclad Supply")  # printed on quote documents
    if not app.config.get("COUNTEROFFER_DATABASE_URL"):
        app.config["COUNTEROFFER_DATABASE_URL"] = settings.default_database_url(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.secret_key(app.instance_path)
    mailbox.configure(app)  # before init_app, which reads COUNTEROFFER_SMTP
    negotiation.init_app(app)
    engine = _shop_engine(app.config["COUNTEROFFER_DATABASE_URL"])
    app.extensions[orders.EXTENSION_KEY] = engine
    _register_views(app)
    with app.app_context():
        prepare_database(engine, negotiation, lambda: orders.create_tables(engine))
    return app


def _shop_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url)
    # The plugin writes to the same file: wait for its lock rather than fail at once.
    event.listen(engine, "connect", _sqlite_busy_timeout)
    return engine


def _sqlite_busy_timeout(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _register_views(app: Flask) -> None:
    app.register_blueprint(auth.auth)
    app.register_blueprint(shop)
    app.register_blueprint(ordering)
    app.register_blueprint(quoting.quoting)
    app.register_blueprint(mailbox.mailbox)
    app.add_template_filter(money, "money")
    app.add_template_filter(quantity, "qty")
    app.context_processor(_page_context)


def _page_context() -> dict[str, Any]:
    actor = auth.current_actor()
    return {"actor": actor, "company": auth.company_name(actor.company_id) if actor else "",
            "role_title": auth.ROLE_TITLES.get(actor.role, "") if actor else "",
            "cart_count": len(cart.lines())}
