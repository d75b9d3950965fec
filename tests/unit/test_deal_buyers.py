"""The simulated buyers and baseline sellers of bench/deal_quality.py behave as documented:
Boulware concedes late, conceder early; a buyer takes only what beats its next bid, within
its largest useful quantity; the baselines keep their published rules."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from bench.deal_buyers import (
    AspirationSeller,
    Buyer,
    EbaySeller,
    ListPriceSeller,
    NibbleSeller,
    Quote,
    population,
)

LIST, FLOOR = Decimal("120.00"), Decimal("96.00")


def buyer(strategy: str = "linear", rounds: int = 5) -> Buyer:
    return Buyer(id="b", strategy=strategy, reservation=Decimal("110.00"), opening=Decimal("90.00"),
                 quantity=500, largest_quantity=1200, cost_of_capital=Decimal("0.12"),
                 pickup_cost=Decimal("4.00"), rounds=rounds)


def conceded(b: Buyer, round_: int) -> Decimal:
    """Share of the way from opening to reservation conceded by round r."""
    return (b.bid(round_) - b.opening) / (b.reservation - b.opening)


def test_every_strategy_opens_below_its_reservation_and_ends_on_it_never_going_back():
    for strategy in ("boulware", "linear", "conceder"):
        b = buyer(strategy)
        bids = [b.bid(r) for r in range(1, b.rounds + 1)]
        assert bids[0] == b.opening and bids[-1] == b.reservation
        assert bids == sorted(bids)


def test_boulware_holds_out_and_concedes_late_conceder_gives_most_early():
    boulware, linear, conceder = buyer("boulware"), buyer("linear"), buyer("conceder")
    middle = 3  # t = 0.5 of 5 rounds
    assert conceded(boulware, middle) < Decimal("0.05")  # 0.5 ** 5 = 3%
    assert conceded(linear, middle) == Decimal("0.5")
    assert conceded(conceder, middle) > Decimal("0.70")  # 0.5 ** 0.5 = 71%
    # Boulware's last step is its biggest, conceder's its smallest.
    steps = {name: [b.bid(r + 1) - b.bid(r) for r in range(1, 5)]
             for name, b in (("boulware", boulware), ("conceder", conceder))}
    assert steps["boulware"][-1] == max(steps["boulware"])
    assert steps["conceder"][-1] == min(steps["conceder"])


def test_a_buyer_takes_what_beats_its_next_bid_and_at_the_end_its_reservation():
    b = buyer("linear", rounds=3)  # bids 90.00, 100.00, 110.00
    assert b.choose([Quote(Decimal("100.00"), 500)], 1) == Quote(Decimal("100.00"), 500)
    assert b.choose([Quote(Decimal("100.01"), 500)], 1) is None
    assert b.choose([Quote(Decimal("110.00"), 500)], 3) is not None
    assert b.choose([Quote(Decimal("110.01"), 500)], 3) is None


def test_volume_counts_only_up_to_the_largest_useful_quantity_and_terms_cost_what_they_cost_the_buyer():
    b = buyer("linear", rounds=3)
    assert b.choose([Quote(Decimal("95.00"), 1200)], 1) is not None
    assert b.choose([Quote(Decimal("95.00"), 1210)], 1) is None  # more than it can use
    assert b.choose([Quote(Decimal("95.00"), 400)], 1) is None  # less than it wants
    # Pick-up costs this buyer $4.00 a unit: $97.00 + $4.00 is over its next bid of $100.00.
    assert b.choose([Quote(Decimal("97.00"), 500, frozenset({"pickup"}))], 1) is None
    # Paying up front costs it 12% a year over 30 days: about 1% of the price.
    prepay = Quote(Decimal("98.90"), 500, frozenset({"prepay"}))
    assert b.effective_price(prepay) == pytest.approx(Decimal("98.90") * (1 + Decimal("0.12") * 30 / 365))
    assert b.choose([prepay, Quote(Decimal("99.95"), 500)], 1) == prepay  # the cheaper to it


def test_the_population_is_seeded_and_shares_private_values_across_strategies():
    first, again, other = (population(50, seed, LIST, 3) for seed in (4, 4, 5))
    assert first == again and first != other
    for n in range(50):
        values = {replace(group[n], id="", strategy="linear") for group in first.values()}
        assert len(values) == 1
    everyone = [b for group in first.values() for b in group]
    assert all(b.opening < b.reservation and b.quantity <= b.largest_quantity for b in everyone)


def sell(seller_type, round_: int, bid: str, rounds: int = 3, quantity: int = 500, seller=None):
    seller = seller or seller_type(price=LIST, floor=FLOOR, quantity=quantity, rounds=rounds)
    return seller, seller.answer(round_, Decimal(bid))


def test_list_price_seller_never_moves():
    assert sell(ListPriceSeller, 3, "119.99")[1].quotes == (Quote(LIST, 500),)
    assert sell(ListPriceSeller, 1, "120.00")[1].accept


def test_ebay_accepts_at_95_percent_declines_below_the_floor_and_counters_once_at_the_midpoint():
    assert sell(EbaySeller, 1, "114.00")[1].accept
    assert sell(EbaySeller, 1, "95.99")[1].quotes == ()
    seller, answer = sell(EbaySeller, 1, "100.00")
    assert answer.quotes == (Quote(Decimal("110.00"), 500),)
    assert seller.answer(2, Decimal("108.00")).quotes == (Quote(Decimal("110.00"), 500),)  # the counter stands


def test_nibble_concedes_linearly_to_18_percent_off():
    asks = [sell(NibbleSeller, r, "1.00")[1].quotes[0].unit_price for r in (1, 2, 3)]
    assert asks == [Decimal("120.00"), Decimal("109.20"), Decimal("98.40")]
    assert sell(NibbleSeller, 3, "98.40")[1].accept


def test_aspiration_holds_like_boulware_and_ends_on_the_floor_never_below():
    asks = [sell(AspirationSeller, r, "1.00", rounds=5)[1].quotes[0].unit_price for r in range(1, 6)]
    assert asks[0] == LIST and asks[-1] == FLOOR
    assert asks[1] > LIST - (LIST - FLOOR) / 100  # t = 0.25: 1 - t ** 4 keeps 99.6% of the room
    assert sell(AspirationSeller, 5, "96.00", rounds=5)[1].accept
    assert not sell(AspirationSeller, 5, "95.99", rounds=5)[1].accept
