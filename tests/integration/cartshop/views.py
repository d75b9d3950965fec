"""The shop's pages: login, products, a cart kept in the database, checkout and orders.
What the shop wrote for the plugin (its loaders, the deal's cart line, the checkout's
redemptions and their release) sits between the markers."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response

# counteroffer: begin
from counteroffer import Actor, CatalogItem, Counteroffer, Customer, NegotiationError

from .models import CartLine, Company, Order, OutOfStock, Product, User, cart_total, db, new_order_ref

counteroffer = Counteroffer()
# counteroffer: end

shop = Blueprint("shop", __name__, template_folder="templates")


# counteroffer: begin
@counteroffer.user_loader
def current_actor() -> Actor | None:
    return Actor(str(current_user.id), "buyer", current_user.company_id) if current_user.is_authenticated else None


@counteroffer.catalog_loader
def load_product(sku: str) -> CatalogItem | None:
    p = db.session.get(Product, sku)
    return CatalogItem(p.sku, p.name, "USD", p.price, p.cost, available=p.stock) if p else None


@counteroffer.customer_loader
def load_customer(company_id: str) -> Customer | None:
    c = db.session.get(Company, company_id)
    return Customer(c.id, c.name, c.segment) if c else None


counteroffer.order_status_loader(lambda ref: db.session.scalar(db.select(Order.status).filter_by(ref=ref)))
# counteroffer: end


@shop.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    if request.method == "POST":
        user = db.session.scalar(db.select(User).filter_by(email=request.form["email"]))
        if user and check_password_hash(user.password_hash, request.form["password"]):
            login_user(user)
            return redirect(request.args.get("next") or url_for("shop.cart"))
        flash("Wrong e-mail or password.")
    return render_template("cartshop/login.html")


@shop.get("/products/<sku>")
def product(sku: str) -> str:
    return render_template("cartshop/product.html", product=db.get_or_404(Product, sku))


@shop.post("/cart/add")
@login_required
def add_to_cart() -> Response:
    product = db.get_or_404(Product, request.form["sku"])
    CartLine.create(user_id=current_user.id, sku=product.sku, quantity=int(request.form["quantity"]))
    return redirect(url_for("shop.cart"))


# counteroffer: begin
@shop.get("/cart/deal/<token>")  # the widget's deal_url: a cart line at the deal's price
@login_required
def add_deal(token: str) -> Response:
    deal = counteroffer.deal_price(token, company_id=current_user.company_id)  # refused: problem() below
    CartLine.create(user_id=current_user.id, sku=deal.sku, quantity=deal.quantity,
                    deal_token=token, deal_price=deal.unit_price)
    return redirect(url_for("shop.cart"))
# counteroffer: end


@shop.post("/cart/<int:line_id>/remove")
@login_required
def remove_line(line_id: int) -> Response:
    db.session.execute(db.delete(CartLine).filter_by(id=line_id, user_id=current_user.id))
    db.session.commit()
    return redirect(url_for("shop.cart"))


@shop.get("/cart")
@login_required
def cart() -> str:
    lines = _cart()
    return render_template("cartshop/cart.html", lines=lines, total=cart_total(lines))


@shop.post("/checkout")
@login_required
def checkout() -> Response:
    lines = _cart()
    if not lines:
        flash("Your cart is empty.")
        return redirect(url_for("shop.cart"))
    # counteroffer: begin
    ref = new_order_ref()  # before anything is written: the deals are redeemed for this order
    try:
        for line in [line for line in lines if line.deal_token]:
            counteroffer.redeem_deal(line.deal_token, sku=line.sku, quantity=line.quantity, order_ref=ref)
        Order.place(ref, current_user.id, lines)  # its own commit
    except Exception:  # a deal refused, out of stock, the order not saved: no order, so
        db.session.rollback()  # nothing half-done in the shop's session, and
        counteroffer.release_order(ref)  # every deal redeemed for it is usable again
        raise
    # counteroffer: end
    flash(f"Thank you! Order {ref} is placed.")
    return redirect(url_for("shop.order", ref=ref))


@shop.get("/orders/<ref>")
@login_required
def order(ref: str) -> str:
    return render_template("cartshop/order.html", order=_order(ref))


@shop.post("/orders/<ref>/cancel")
@login_required
def cancel(ref: str) -> Response:
    _order(ref).cancel()  # commits: the order is cancelled before its deals come back
    # counteroffer: begin
    counteroffer.release_order(ref)
    # counteroffer: end
    flash(f"Order {ref} is cancelled.")
    return redirect(url_for("shop.order", ref=ref))


# counteroffer: begin
@shop.errorhandler(NegotiationError)
# counteroffer: end
@shop.errorhandler(OutOfStock)
def problem(error: Exception) -> Response:
    """Told on the cart page, which still holds everything the buyer put in it."""
    flash(str(error))
    return redirect(url_for("shop.cart"))


def _cart() -> list[CartLine]:
    return list(db.session.scalars(db.select(CartLine).filter_by(user_id=current_user.id).order_by(CartLine.id)))


def _order(ref: str) -> Order:
    order = db.session.scalar(db.select(Order).filter_by(ref=ref, user_id=current_user.id))
    return order if order is not None else abort(404)
