"""What a person proposes for a whole quote, checked: the lines as they will be offered
(the buyer's ask, with the rep's edits of prices and quantities), the order terms, and
whether the decider's authority covers it.

Authority is judged on the order: its discount off the cart's price for the decided
quantities, and its value (the decided total). A line priced below its floor is judged on
its own discount as well (a deep cut on one line is not hidden in a mild order discount),
and an order below the order floor says so in the refusal. Every refusal names who can
approve (403), every bad input the line and field (422); nothing is written either way.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from ....db.quotes import Quote, QuoteLineRow
from ....rules import has_valid_places, places_message, round_money
from ....rules.messages import format_money
from ....rules.money import round_up
from ...approvals.decisions import DECISION_ACTIONS, MAX_BUYER_MESSAGE, BeyondAuthorityError, authority_limits
from ...approvals.reps import discount_pct, staff_directory
from ...approvals.staff import Acting
from ...shared.deps import Deps
from ...shared.errors import ConflictError, InvalidRequestError, unavailable_as_503
from ...shared.prices import price_facts
from ...shared.stock import require_stock_for_request

__all__ = ["LineEdit", "ProposedLine", "Proposal", "check_shape", "propose", "require_authority",
           "MAX_QUANTITY", "PRICE_UNAVAILABLE"]

MAX_QUANTITY = 10_000_000
PRICE_UNAVAILABLE = "This quote's prices cannot be checked right now; nothing has changed. Try again shortly."


@dataclass(frozen=True)
class LineEdit:
    """A rep's change to one line of the quote: its quantity, its unit price, or both."""

    sku: str
    quantity: int | None = None
    unit_price: Decimal | None = None


@dataclass(frozen=True)
class ProposedLine:
    position: int
    sku: str
    quantity: int
    unit_price: Decimal
    price_for_quantity: Decimal
    floor: Decimal
    cost: Decimal | None
    edit_index: int | None  # where the rep's edit of it was in ``lines``, for field names

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Proposal:
    action: str
    rationale: str
    lines: tuple[ProposedLine, ...] = ()
    terms: tuple[dict[str, str], ...] = ()
    buyer_message: str | None = None
    order_floor: Decimal | None = None
    notes: tuple[str, ...] = field(default=())
    #: Did the decider check the competing offer the buyer cited (None: not said).
    citation_checked: bool | None = None

    @property
    def total(self) -> Decimal:
        return sum((line.line_total for line in self.lines), Decimal(0))

    @property
    def cart_price(self) -> Decimal:
        return sum((line.price_for_quantity * line.quantity for line in self.lines), Decimal(0))


def _invalid(name: str, message: str) -> InvalidRequestError:
    return InvalidRequestError(f"{name}: {message}", {name: [message]})


def check_shape(action: str, rationale: str, lines: Sequence[LineEdit] | None,
                terms: Sequence[dict[str, str]] | None, buyer_message: str | None, currency: str) -> str | None:
    """Input that is wrong whatever the quote: a 422 naming the field. Returns the buyer
    message, stripped (None if empty)."""
    if action not in DECISION_ACTIONS:
        raise _invalid("action", "One of approve, counter, reject.")
    if not rationale or not rationale.strip():
        raise _invalid("rationale", "Required: say why.")
    if action == "reject" and (lines or terms):
        raise _invalid("lines" if lines else "terms", "A rejection takes no prices or terms; counter to change them.")
    seen: set[str] = set()
    for index, edit in enumerate(lines or ()):
        _check_edit(index, edit, currency, seen)
    for index, term in enumerate(terms or ()):
        if not all(isinstance(term.get(key), str) and term.get(key) for key in ("group", "option", "label")):
            raise _invalid(f"terms[{index}]", "Each order term needs a group, an option and a label.")
    message = (buyer_message or "").strip()
    if len(message) > MAX_BUYER_MESSAGE:
        raise _invalid("buyer_message", f"At most {MAX_BUYER_MESSAGE:,} characters.")
    return message or None


def _check_edit(index: int, edit: LineEdit, currency: str, seen: set[str]) -> None:
    if edit.sku in seen:
        raise _invalid(f"lines[{index}].sku", f"{edit.sku} is edited twice; give each line once.")
    seen.add(edit.sku)
    if edit.quantity is not None and not 1 <= edit.quantity <= MAX_QUANTITY:
        raise _invalid(f"lines[{index}].quantity", f"From 1 to {MAX_QUANTITY:,}.")
    if edit.unit_price is not None:
        if edit.unit_price <= 0:
            raise _invalid(f"lines[{index}].unit_price", "Must be more than zero.")
        if not has_valid_places(edit.unit_price, currency):
            raise _invalid(f"lines[{index}].unit_price", places_message(currency))


def asked_prices(row: Quote, lines: Sequence[QuoteLineRow]) -> dict[str, Decimal]:
    """The buyer's ask, line by line: a line's own target, else its share of the order
    target spread evenly over the lines without one (as the engine reads the ask), else
    the price for the quantity."""
    owned = sum((min(line.target_unit_price, line.price_for_quantity) * line.quantity
                 for line in lines if line.target_unit_price is not None), Decimal(0))
    rest = sum((line.price_for_quantity * line.quantity for line in lines if line.target_unit_price is None),
               Decimal(0))
    target = row.target_total
    if target is None and row.target_discount_pct is not None:
        target = round_money(row.cart_total * (1 - row.target_discount_pct / 100), row.currency)
    ratio = min(Decimal(1), max(Decimal(0), (target - owned) / rest)) if target is not None and rest else Decimal(1)
    return {line.sku: min(line.target_unit_price, line.price_for_quantity) if line.target_unit_price is not None
            else round_up(line.price_for_quantity * ratio, row.currency) for line in lines}


def propose(deps: Deps, session: Session, row: Quote, lines: Sequence[QuoteLineRow], action: str,
            edits: Sequence[LineEdit], segment: str | None) -> tuple[ProposedLine, ...]:
    """Each line as it will be offered, priced against today's catalog and rules."""
    by_sku = {edit.sku: (index, edit) for index, edit in enumerate(edits)}
    known = {line.sku for line in lines}
    for index, edit in enumerate(edits):
        if edit.sku not in known:
            raise _invalid(f"lines[{index}].sku", f"{edit.sku} is not a line of this quote.")
    asked = asked_prices(row, lines)
    return tuple(_proposed(deps, session, row, line, asked[line.sku], by_sku.get(line.sku), action, segment)
                 for line in lines)


def _proposed(deps: Deps, session: Session, row: Quote, line: QuoteLineRow, asked: Decimal,
              edit: tuple[int, LineEdit] | None, action: str, segment: str | None) -> ProposedLine:
    index, change = edit if edit is not None else (None, LineEdit(line.sku))
    name = f"lines[{index}]" if index is not None else f"lines[{line.position}]"
    quantity = change.quantity or line.quantity
    with unavailable_as_503(PRICE_UNAVAILABLE):
        item = deps.catalog_item(session, line.sku)
        if item is None:
            raise ConflictError(f"{line.sku} is no longer sold.", {f"{name}.sku": [f"{line.sku} is no longer sold."]})
        facts = price_facts(deps, session, item, segment, quantity)
    if quantity % facts.order_multiple:
        raise _invalid(f"{name}.quantity", f"{line.sku} is sold in multiples of {facts.order_multiple}.")
    if quantity != line.quantity or action == "counter":
        try:
            require_stock_for_request(item, quantity)
        except InvalidRequestError as error:
            raise _invalid(f"{name}.quantity", f"{line.sku}: {error.message}") from None
    unit_price = change.unit_price if change.unit_price is not None else min(asked, facts.price_for_quantity)
    if unit_price > facts.price_for_quantity:
        raise _invalid(f"{name}.unit_price", f"{line.sku}: above the price for this quantity "
                       f"({format_money(facts.price_for_quantity, row.currency)}); it gives the buyer nothing.")
    return ProposedLine(line.position, line.sku, quantity, unit_price, facts.price_for_quantity,
                        facts.floor, facts.cost, index)


def require_authority(deps: Deps, session: Session, acting: Acting, proposal: Proposal, currency: str) -> None:
    """The order's discount and value, then each line below its floor on its own discount."""
    total, cart = proposal.total, proposal.cart_price
    order_discount = discount_pct(total, cart) if cart else Decimal(0)
    below_order_floor = proposal.order_floor is not None and total < proposal.order_floor
    floor_note = (f" (below the order floor of {format_money(proposal.order_floor, currency)})"
                  if below_order_floor and proposal.order_floor is not None else "")
    asked = f"{_pct(order_discount)}% off the order, a deal of {format_money(total, currency)}{floor_note}"
    _require(deps, session, acting, order_discount, total, asked, "lines", currency)
    for line in proposal.lines:
        if line.unit_price < line.floor:
            discount = discount_pct(line.unit_price, line.price_for_quantity)
            asked = (f"{line.sku} at {format_money(line.unit_price, currency)}, below its floor of "
                     f"{format_money(line.floor, currency)} ({_pct(discount)}% off)")
            name = f"lines[{line.edit_index if line.edit_index is not None else line.position}].unit_price"
            _require(deps, session, acting, discount, total, asked, name, currency)


def _pct(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.1"))


def _require(deps: Deps, session: Session, acting: Acting, discount: Decimal, value: Decimal, asked: str,
             field_name: str, currency: str) -> None:
    holder = acting.authority
    if holder.can_approve(discount, value):
        return
    approver = staff_directory(deps, session).first_approver(holder, discount, value)
    limits = authority_limits(holder, acting, currency)
    if approver is None:
        message = f"{asked} is beyond {limits}, and beyond everyone up the approval chain."
    else:
        message = f"{asked} is beyond {limits}; {approver.name} ({approver.id}) can approve it."
    raise BeyondAuthorityError(message, {field_name: [message]})

