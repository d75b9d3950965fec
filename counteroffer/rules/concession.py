"""Price-only counters across rounds: a time-dependent tactic (GENIUS, NegMAS).

Round r of R concedes the share f(t) = k + (1 - k) * t ** (1 / e) of the room between
the price for the quantity and the reservation price, with t = (r - 1) / (R - 1).
e < 1 (Boulware) holds out and concedes late, e = 1 is linear, e > 1 (Conceder) gives
most early so later steps shrink. Whatever the curve, a round never offers more than an
earlier one did: the price is capped by the lowest earlier concession.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from .frame import Candidate, Frame, Priced
from .messages import concession_message
from .model import ConcessionPolicy, OfferKind
from .money import round_up

__all__ = ["reservation_price", "concession_price", "concession_offer"]

HUNDRED = Decimal(100)


def reservation_price(frame: Frame, policy: ConcessionPolicy) -> Decimal:
    most_off_list = frame.price_at_quantity * (1 - policy.max_discount_pct / HUNDRED)
    reservation = max(frame.guard, round_up(most_off_list, frame.currency))
    if not (frame.request.jitter and frame.policy.concession_jitter_pct):
        return reservation  # no jitter: already rounded up, nothing to add
    return round_up(reservation + _jitter(frame, reservation), frame.currency)


def _jitter(frame: Frame, reservation: Decimal) -> Decimal:
    """How far above the reservation this negotiation's concessions stop: never below
    it, at most half the room left, so a counter still concedes something."""
    room = frame.price_at_quantity - reservation
    most = frame.price_at_quantity * frame.policy.concession_jitter_pct / HUNDRED
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
    previous = frame.context.previous_concession
    price = max(reservation, min(price, previous) if previous is not None else price)
    return price if price < start else None  # conceding nothing is no offer


def concession_offer(frame: Frame, price: Decimal) -> Candidate:
    request = frame.request
    priced = Priced(OfferKind.CONCESSION, request.sku, request.quantity, price,
                    frame.context.cost, frame.floor, frame.guarded_cost)
    return Candidate(priced, lambda: concession_message(request.quantity, price, frame.currency),
                     f"concession, round {request.round}")
