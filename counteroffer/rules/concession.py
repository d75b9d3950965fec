"""Price-only counters across rounds: a time-dependent tactic (GENIUS, NegMAS).

Round r of R concedes the share f(t) = k + (1 - k) * t ** (1 / e) of the room between
the price for the quantity and the reservation price, with t = (r - 1) / (R - 1).
e < 1 (Boulware) holds out and concedes late, e = 1 is linear, e > 1 (Conceder) gives
most early so later steps shrink. Whatever the curve, a round never goes back on an
earlier offer, comparing like with like: an offer for the same quantity caps the price
as it stands; the rules' own concession for another quantity caps it at the same share
of the room for this quantity, so a smaller quantity never inherits a price only a larger
one earns. A person's counter binds its own quantity and larger ones (more units never
cost more a unit than a person offered for fewer), never smaller ones: what a rep agreed
for 5,000 units says nothing about 2,000.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from .closing import is_last_round
from .frame import Candidate, Frame, Priced
from .messages import concession_message
from .model import ConcessionPolicy, EarlierOffer, OfferKind
from .money import round_money, round_up
from .pricing import price_at

__all__ = ["reservation_price", "unjittered_reservation", "concession_price", "concession_offer"]

HUNDRED = Decimal(100)


def reservation_price(frame: Frame, policy: ConcessionPolicy) -> Decimal:
    return _reservation_at(frame, policy, frame.price_at_quantity)


def unjittered_reservation(frame: Frame, policy: ConcessionPolicy) -> Decimal:
    """The reservation price before this negotiation's jitter: the higher of the guard
    price and the price for the quantity less ``max_discount_pct``, rounded up."""
    rounded = round_up(frame.price_at_quantity * (1 - policy.max_discount_pct / HUNDRED), frame.currency)
    return rounded if rounded > frame.guard else frame.guard


def _reservation_at(frame: Frame, policy: ConcessionPolicy, start: Decimal) -> Decimal:
    """The reservation price when the price for the quantity is ``start``."""
    most_off_list = start * (1 - policy.max_discount_pct / HUNDRED)
    rounded = round_up(most_off_list, frame.currency)
    reservation = rounded if rounded > frame.guard else frame.guard  # max(guard, rounded), no call
    if not (frame.request.jitter and frame.policy.concession_jitter_pct):
        return reservation  # no jitter: already rounded up, nothing to add
    return round_up(reservation + _jitter(frame, start, reservation), frame.currency)


def _jitter(frame: Frame, start: Decimal, reservation: Decimal) -> Decimal:
    """How far above the reservation this negotiation's concessions stop: never below
    it, at most half the room left, so a counter still concedes something."""
    room = start - reservation
    most = start * frame.policy.concession_jitter_pct / HUNDRED
    return max(Decimal(0), min(most, room / 2)) * frame.request.jitter


def _share(policy: ConcessionPolicy, round_: int) -> Decimal:
    return _curve(policy.first_position_pct, policy.exponent, policy.rounds, round_)


@lru_cache(maxsize=4096)
def _curve(first_position_pct: Decimal, exponent: Decimal, rounds: int, round_: int) -> Decimal:
    # Memoised: a Decimal power costs more than the rest of a counter, and a shop has a
    # handful of policies with a few rounds each.
    k = first_position_pct / HUNDRED
    if rounds <= 1:
        return Decimal(1)
    t = Decimal(min(round_, rounds) - 1) / Decimal(rounds - 1)
    return k + (1 - k) * (t ** (1 / exponent) if t else Decimal(0))


def concession_price(frame: Frame) -> Decimal | None:
    """This round's price, rounded up (in our favour), never above an earlier round's."""
    policy = frame.rules.concession
    if policy is None:
        return None
    reservation, start = reservation_price(frame, policy), frame.price_at_quantity
    if reservation >= start:
        return None
    price = round_up(start - _share(policy, frame.request.round) * (start - reservation), frame.currency)
    price = _at_the_buyers_pace(frame, price)
    earlier = frame.context.earlier_offers
    if earlier:
        price = min(price, *(_cap(frame, policy, reservation, offer, earlier) for offer in earlier))
    # max(reservation, price): an earlier offer below it was a person's, not ours to repeat.
    price = price if price > reservation else reservation
    return price if price < start else None  # conceding nothing is no offer


def _at_the_buyers_pace(frame: Frame, price: Decimal) -> Decimal:
    """Before the buyer's last round, the rules' concession for this quantity moves down
    from their last one by no more than the buyer's target moved up since its last bid
    for this quantity: a buyer who holds out is not met half-way (a Boulware buyer's
    second bid barely moves). Never above that last concession, never below the curve's
    price; the caps of earlier offers (a rep's) still apply after it. In the last round
    the curve stands: it is the best and final.
    """
    request, context = frame.request, frame.context
    bids = context.earlier_bids
    if not bids or bids[-1].quantity != request.quantity or is_last_round(frame):
        return price
    ours = [o.unit_price for o in context.earlier_offers if o.quantity == request.quantity and not o.by_rep]
    if not ours:
        return price
    last = min(ours)
    moved = max(Decimal(0), request.target_unit_price - bids[-1].unit_price)
    return min(last, max(price, round_up(last - moved, frame.currency)))


def _cap(frame: Frame, policy: ConcessionPolicy, reservation: Decimal, offer: EarlierOffer,
         earlier: tuple[EarlierOffer, ...]) -> Decimal:
    """How high this round may price, given one earlier offer (never above ``start``)."""
    start = frame.price_at_quantity
    quantity = frame.request.quantity
    if offer.quantity == quantity:
        return offer.unit_price  # the same quantity: never back on it
    if offer.by_rep:
        # A person's price holds for what they agreed to sell and for more units (more
        # never costs more a unit than fewer did), never for fewer.
        return offer.unit_price if offer.quantity < quantity else start
    if _may_carry_a_reps_price(offer, earlier):
        return start
    return _same_share(frame, policy, reservation, offer)


def _same_share(frame: Frame, policy: ConcessionPolicy, reservation: Decimal, offer: EarlierOffer) -> Decimal:
    """The rules' concession for another quantity, as the same share of this quantity's
    room (price for the quantity down to the reservation) as it gave of its own."""
    rules, start = frame.rules, frame.price_at_quantity
    then = round_money(price_at(frame.context.list_price, rules.breaks, rules.break_quantities,
                                offer.quantity), frame.currency)
    if then == start:
        return offer.unit_price  # the same price for the quantity: like with like already
    then_reservation = _reservation_at(frame, policy, then)
    if then <= then_reservation:
        return start
    share = min(Decimal(1), max(Decimal(0), (then - offer.unit_price) / (then - then_reservation)))
    return round_up(start - share * (start - reservation), frame.currency)


def _may_carry_a_reps_price(offer: EarlierOffer, earlier: tuple[EarlierOffer, ...]) -> bool:
    """A concession at or above a rep's price for as many units or fewer may be that
    price, held to: it must not carry the rep's price over to other quantities."""
    return any(rep.by_rep and rep.quantity <= offer.quantity and rep.unit_price <= offer.unit_price
               for rep in earlier)


def concession_offer(frame: Frame, price: Decimal) -> Candidate:
    request = frame.request
    priced = Priced(OfferKind.CONCESSION, request.sku, request.quantity, price,
                    frame.context.cost, frame.floor, frame.guarded_cost)
    return Candidate(priced, lambda: concession_message(request.quantity, price, frame.currency),
                     f"concession, round {request.round}")
