"""The shop's pages: login, a product page, a cart, and a checkout that places orders."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user
from sqlalchemy import select
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response

from .models import Order, Product, User, db

# counteroffer: begin
from .negotiation import NegotiationError, counteroffer

# counteroffer: end

shop = Blueprint("shop", __name__, template_folder="templates")


@shop.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    if request.method == "POST":
        user = db.scalars(select(User).where(User.email == request.form["email"])).first()
        if user and check_password_hash(user.password_hash, request.form["password"]):
            login_user(user)
            return redirect(request.args.get("next") or url_for("shop.cart"))
        flash("Wrong e-mail or password.")
    return render_template("hostshop/login.html")


@shop.get("/products/<sku>")
def product(sku: str) -> str:
    product = db.get(Product, sku) or abort(404)
    variants = list(db.scalars(select(Product).where(Product.style == product.style).order_by(Product.sku))
                    ) if product.style else [product]
    return render_template("hostshop/product.html", product=product, variants=variants)


@shop.get("/cart")
@login_required
def cart() -> str:
    return render_template("hostshop/cart.html", lines=session.get("cart", []))


@shop.get("/cart/deal/<token>")
@login_required
def add_deal(token: str) -> Response:
    """Where the widget sends an accepted deal: a cart line at the deal's price."""
    try:
        # counteroffer: begin
        deal = counteroffer.deal_price(token, company_id=current_user.company_id)
        # counteroffer: end
    except NegotiationError as error:
        flash(error.message)
        return redirect(url_for("shop.cart"))
    line = {"sku": deal.sku, "quantity": deal.quantity, "unit_price": str(deal.unit_price), "token": token}
    session["cart"] = [*session.get("cart", []), line]
    return redirect(url_for("shop.cart"))


@shop.post("/checkout")
@login_required
def checkout() -> tuple[str, int]:
    """The order is written first and committed last: a deal the plugin refuses (used,
    expired) rolls the whole order back, and a redeemed deal names the order it priced."""
    lines = session.get("cart", [])
    orders = [_order(line) for line in lines]
    db.flush()  # the order ids, for the deals' order_ref
    for line, order in zip(lines, orders, strict=True):
        try:
            # counteroffer: begin
            counteroffer.redeem_deal(line["token"], sku=order.sku, quantity=order.quantity, order_ref=f"order-{order.id}")  # noqa: E501 - one of the host's 20 lines
            # counteroffer: end
        except NegotiationError as error:
            db.rollback()
            return render_template("hostshop/cart.html", lines=lines, problem=error.message), 409
    db.commit()
    session["cart"] = []
    return render_template("hostshop/order.html", orders=orders), 201


def _order(line: dict) -> Order:
    order = Order(user_id=current_user.id, sku=line["sku"], quantity=line["quantity"],
                  unit_price_cents=int(Decimal(line["unit_price"]).scaleb(2)), deal_token=line["token"],
                  created_at=datetime.now(UTC).replace(tzinfo=None))
    db.add(order)
    return order
