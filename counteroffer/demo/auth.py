"""The shop's own (password-less) login, and how it tells the plugin who is calling.

The plugin has no users of its own: it asks the host through ``user_loader``. Here the
host remembers a username in the Flask session and maps it to an ``Actor``.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, jsonify, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response  # what redirect() returns; flask's Response is one too

from counteroffer import Actor

from .plugin import negotiation
from .shop import cart, catalog

__all__ = ["auth", "USERS", "current_actor", "company_name"]

auth = Blueprint("auth", __name__)

USERS: dict[str, Actor] = {actor.id: actor for actor in (
    Actor(id="buyer@acme", role="buyer", company_id="acme", name="Alice Archer",
          email="alice@acme.example"),
    Actor(id="buyer@globex", role="buyer", company_id="globex", name="Gus Grant",
          email="gus@globex.example"),
    Actor(id="rep@seller", role="rep", name="Rita Reyes", email="rita@seller.example"),
    Actor(id="manager@seller", role="manager", name="Max Moreno", email="max@seller.example"),
)}

# As the back office says them: a manager decides escalations and edits rules alike.
ROLE_TITLES = {"buyer": "Buyer", "rep": "Sales rep", "manager": "Manager"}
COMPANY_NAMES = {customer.company_id: customer.name for customer in catalog.CUSTOMERS}
SEGMENTS = {customer.company_id: customer.segment for customer in catalog.CUSTOMERS}


@negotiation.user_loader
def current_actor() -> Actor | None:
    return USERS.get(session.get("username", ""))


def company_name(company_id: str | None) -> str:
    return COMPANY_NAMES.get(company_id or "", company_id or "")


@auth.get("/demo/login")
def login_form() -> str:
    return _login_page(request.args.get("next"))


@auth.post("/demo/login")
def login() -> Any:
    if request.is_json:
        return _json_login(request.get_json(silent=True))
    actor = USERS.get(request.form.get("username", "").strip().lower())
    if actor is None:
        flash("Unknown user. Pick one of the demo users below.", "error")
        return _login_page(request.form.get("next")), 401
    _log_in(actor)
    flash(f"Logged in as {actor.name} ({ROLE_TITLES[actor.role].lower()}).", "success")
    return redirect(_safe_next(request.form.get("next")) or url_for("shop.catalog_page"))


@auth.post("/demo/logout")
def logout() -> Response:
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("shop.catalog_page"))


def _login_page(next_url: str | None) -> str:
    return render_template("demo/login.html", users=USERS.values(), titles=ROLE_TITLES,
                           companies=COMPANY_NAMES, segments=SEGMENTS, next_url=_safe_next(next_url))


def _json_login(data: Any) -> tuple[Response, int]:
    username = data.get("username") if isinstance(data, dict) else None
    actor = USERS.get(username.strip().lower()) if isinstance(username, str) else None
    if actor is None:
        return jsonify({"error": "unknown_user",
                        "message": f"No demo user {username!r}.", "users": list(USERS)}), 401
    _log_in(actor)
    return jsonify({"username": actor.id, "role": actor.role, "company_id": actor.company_id,
                    "name": actor.name}), 200


def _log_in(actor: Actor) -> None:
    # A new user keeps the plain cart lines but not deal lines: a deal belongs to the
    # company that negotiated it.
    kept = cart.without_deals(cart.lines())
    session.clear()
    session["username"] = actor.id
    cart.save(kept)


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: a login link must not redirect to another site."""
    if not target:
        return None
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//")
            or "\\" in target):
        return None
    return target
