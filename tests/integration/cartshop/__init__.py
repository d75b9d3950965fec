"""A second host shop, built the way many real Flask shops are (issue 26): Flask-SQLAlchemy
models that commit on ``create()``, a cart kept in the database and priced from the
product's price in several places, products with stock, orders with a status, Flask-WTF's
global ``CSRFProtect`` and HTML error pages registered after the plugin.

It adds Counteroffer as docs/integration.md ("Checkout with a database cart and eager
commits") says. Every line it spends on the plugin (loaders, widget, the deal's cart line,
its price, checkout and cancelling) sits between ``counteroffer: begin`` and
``counteroffer: end`` markers; tests/integration/test_cartshop_integration.py counts them."""
from __future__ import annotations

from typing import Any

from flask import Flask, render_template
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from . import views
from .models import User, db


def create_app(config: dict[str, Any]) -> Flask:
    app = Flask(__name__, instance_path=config.pop("INSTANCE_PATH"))
    app.config.update(SECRET_KEY="cart-shop-secret", WTF_CSRF_ENABLED=True)
    app.config.update(config)
    db.init_app(app)
    CSRFProtect(app)
    login = LoginManager(app)
    login.login_view = "shop.login"
    login.user_loader(lambda user_id: db.session.get(User, int(user_id)))
    app.register_blueprint(views.shop)
    # counteroffer: begin
    views.counteroffer.init_app(app)
    # counteroffer: end
    # The shop's own error pages, registered after the plugin, as this shop always did.
    app.register_error_handler(404, lambda _error: (render_template("cartshop/404.html"), 404))
    app.register_error_handler(500, lambda _error: (render_template("cartshop/500.html"), 500))
    with app.app_context():
        db.create_all()
    return app
