"""A small B2B shop that is NOT the demo: its own users, login (Flask-Login), SQLAlchemy
models and templates, Flask-WTF's global CSRFProtect on every form, Flask-Babel, products
in variants (sizes) with sale prices, and no cost in its catalog, as real Flask shops
are. It adds Counteroffer the way docs/integration.md says; every line it spends on the
plugin sits between ``counteroffer: begin`` and ``counteroffer: end`` markers, and
tests/integration/test_host_integration.py counts them."""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from . import negotiation, views
from .models import User, db, init_db


def create_app(config: dict[str, Any]) -> Flask:
    app = Flask(__name__, instance_path=config.pop("INSTANCE_PATH"))
    app.config.update(SECRET_KEY="host-shop-secret", **config)
    CSRFProtect(app)  # the shop's own forms; the plugin's APIs defend themselves (docs/security.md)
    Babel(app)
    init_db(app)
    login = LoginManager(app)
    login.login_view = "shop.login"
    login.user_loader(lambda user_id: db.get(User, int(user_id)))
    app.register_blueprint(views.shop)
    # counteroffer: begin
    negotiation.counteroffer.init_app(app)
    # counteroffer: end
    return app
