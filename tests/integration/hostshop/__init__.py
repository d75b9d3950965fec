"""A small B2B shop that is NOT the demo: its own users, login (Flask-Login), SQLAlchemy
models and templates. It adds Counteroffer the way docs/integration.md says; every line
it spends on the plugin sits between ``counteroffer: begin`` and ``counteroffer: end``
markers, and tests/integration/test_host_integration.py counts them."""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask_login import LoginManager

from . import negotiation, views
from .models import User, db, init_db


def create_app(config: dict[str, Any]) -> Flask:
    app = Flask(__name__, instance_path=config.pop("INSTANCE_PATH"))
    app.config.update(SECRET_KEY="host-shop-secret", **config)
    init_db(app)
    login = LoginManager(app)
    login.login_view = "shop.login"
    login.user_loader(lambda user_id: db.get(User, int(user_id)))
    app.register_blueprint(views.shop)
    # counteroffer: begin
    negotiation.counteroffer.init_app(app)
    # counteroffer: end
    return app
