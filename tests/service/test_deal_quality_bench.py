"""bench/deal_quality.py, run small: the buyers go through the plugin's use cases, the
escalations reach the simulated rep (or end the negotiation), and the last line is the
JSON the goals are read from."""
from __future__ import annotations

import json

from bench import deal_quality
from bench.deal_buyers import population

SELLERS = {"engine", "list_price", "ebay", "nibble", "aspiration"}


def last_json(capsys) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_a_small_run_prints_every_figure_and_the_goals(capsys):
    assert deal_quality.main(["--buyers", "12", "--seed", "3"]) == 0
    result = last_json(capsys)
    assert set(result["per_type"]) == {"boulware", "linear", "conceder"}
    for found in result["per_type"].values():
        assert set(found["sellers"]) == SELLERS
        engine = found["sellers"]["engine"]
        assert 0 <= engine["deal_rate"] <= 1 and engine["below_floor"] == 0
        best = max(found["sellers"][s]["total_margin"] for s in SELLERS - {"engine"})
        assert found["margin_vs_best_baseline"] == round(engine["total_margin"] / best, 4)
        # Sellers of price alone cannot earn more than every buyer's reservation (up to the price).
        assert best <= found["price_only_ceiling"]
    ratios = [found["margin_vs_best_baseline"] for found in result["per_type"].values()]
    assert result["margin_vs_best_baseline"] == min(ratios)
    assert result["below_floor"] == 0
    assert result["meets_goal"]["all"] == (result["meets_goal"]["margin"] and result["meets_goal"]["deal_rate"]
                                           and result["meets_goal"]["below_floor"])
    # The list-price seller closes exactly with the buyers whose reservation reaches the price.
    buyers = population(12, 3, deal_quality.LIST, 3)["linear"]
    reaching = sum(b.reservation >= deal_quality.price_for(b.quantity) for b in buyers)
    assert result["per_type"]["linear"]["sellers"]["list_price"]["deals"] == reaching


def test_escalations_go_to_the_rep_or_end_without_a_deal(capsys):
    # No first concession: a first bid below the guard price has no offer and goes to a person.
    shop = ["--buyers", "10", "--seed", "5", "--concession", "18,0,1"]
    deal_quality.main([*shop, "--escalations", "rep"])
    with_rep = last_json(capsys)
    deal_quality.main([*shop, "--escalations", "wait"])
    waiting = last_json(capsys)
    assert with_rep["share_needing_person"] > 0 and waiting["share_needing_person"] > 0
    for kind in ("boulware", "linear", "conceder"):
        rep_deals = with_rep["per_type"][kind]["sellers"]["engine"]["deals"]
        assert waiting["per_type"][kind]["sellers"]["engine"]["deals"] < rep_deals
    assert with_rep["below_floor"] == 0  # the rep counters at the floor, never under it


def test_the_engine_hands_a_last_round_target_it_cannot_meet_to_the_rep(capsys):
    """Issue 19, item 2: in the buyer's last round a target under the concession goes to a
    person (rules/closing.py), so every buyer whose reservation reaches the floor closes,
    as with the aspiration seller, and a buyer asking for a person adds no deal."""
    deal_quality.main(["--buyers", "30", "--seed", "1"])
    alone = last_json(capsys)
    assert alone["share_needing_person"] > 0 and alone["deal_rate_vs_best_baseline"] == 0
    deal_quality.main(["--buyers", "30", "--seed", "1", "--ask-person"])
    asking = last_json(capsys)
    for kind in ("boulware", "linear", "conceder"):
        sellers = alone["per_type"][kind]["sellers"]
        assert sellers["engine"]["deals"] == sellers["aspiration"]["deals"]
        assert asking["per_type"][kind]["sellers"]["engine"]["deals"] == sellers["engine"]["deals"]
        assert sellers["engine"]["below_floor"] == 0
