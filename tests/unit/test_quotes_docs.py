"""docs/quotes.md's worked examples (the Engine section), decided and found in the doc:
the doc cannot drift from what the engine says."""
from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from counteroffer.rules import Outcome
from counteroffer.rules.quotes import QuoteOfferKind

from .quote_cases import CONCESSION, quote, rules

DOC = (Path(__file__).resolve().parents[2] / "docs" / "quotes.md").read_text()
TIERS = {"kind": "order_tiers", "params": {"tiers": [{"min_order_value": "125000", "discount_pct": "2"},
                                                     {"min_order_value": "250000", "discount_pct": "4"}]}}
NET10 = {"kind": "term_lever", "params": {"group": "payment", "option": "net10", "label": "pay within 10 days",
                                          "value_pct": "1.5", "scope": "order"}}
SHOP = rules(CONCESSION, TIERS, NET10)
GLOVES_AT_11 = {"kind": "floor", "sku": "GLV-NIT-L", "params": {"min_unit_price": "11.00"}}
ORDER_FLOOR = {"kind": "order_floor", "params": {"min_margin_pct": "45"}}


@pytest.mark.parametrize("pct, round_, extra, kinds, message", [
    ("2", 1, (), ["order_tier", "line_trade_offs"],
     "Add $1,360.00 more to this order and every line is 2% off: for example 130 more GLV-NIT-L (230 in total). "
     "The whole order is then $122,595.40."),
    ("1.5", 1, (), ["order_terms", "order_tier", "line_trade_offs"],
     "Pay within 10 days, and pay $121,786.00 for the whole order (3 lines)."),
    ("6", 1, (), ["line_trade_offs"],
     "DEMO-120: Buy 2,000 more units (3,000 in total) and pay $110.00 each. FST-M8-50: Buy 42 more units "
     "(242 in total) and pay $11.85 each. GLV-NIT-L: Buy 400 more units (500 in total) and pay $10.40 each. "
     "The whole order is then $338,067.70."),
    ("9", 2, (), ["concession", "line_trade_offs"], "We can come down to $117,458.00 for the whole order (3 lines)."),
    ("9", 2, (ORDER_FLOOR,), ["concession"], "We can come down to $119,408.00 for the whole order (3 lines)."),
])
def test_the_worked_examples(pct, round_, extra, kinds, message):
    decision = quote(pct=pct, round=round_, rule_set=rules(CONCESSION, TIERS, NET10, *extra))
    assert decision.outcome is Outcome.COUNTER
    assert [offer.kind.value for offer in decision.offers] == kinds
    assert decision.offers[0].message == message
    assert message in DOC.replace("\n", " ")


def test_the_concession_example_is_half_way_to_ten_percent_off_on_every_line():
    [concession] = [o for o in quote(pct="9", round=2, rule_set=SHOP).offers if o.kind is QuoteOfferKind.CONCESSION]
    assert [line.unit_price for line in concession.lines] == [D("114.00"), D("11.97"), D("10.64")]


def test_the_margin_mix_example():
    shop = rules(CONCESSION, GLOVES_AT_11)
    decision = quote(pct="5", round=3, rule_set=shop)
    assert decision.outcome is Outcome.ACCEPT and decision.accepted is not None
    assert decision.accepted.kind is QuoteOfferKind.MARGIN_MIX
    assert decision.accepted.message == ("We can do the whole order (3 lines) for $117,458.00, "
                                         "with the line prices shown.")
    assert [line.unit_price for line in decision.accepted.lines] == [D("113.96"), D("11.94"), D("11.10")]
    early = quote(total="117500", round=2, rule_set=shop)
    assert early.outcome is Outcome.COUNTER and early.offers[0].total == D("117504.00")
    for words in ("$117,458.00", "DEMO-120 $113.96, FST-M8-50 $11.94,\nGLV-NIT-L $11.10", "$117,504.00"):
        assert words in DOC
