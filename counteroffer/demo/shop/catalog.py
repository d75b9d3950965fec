"""The shop's own data: what it sells, to whom, and the pricing manager's rules.

A real host keeps this in its ERP; the demo keeps it in code and loads it into the
plugin's tables once (see seed.py). Money is always a string turned into Decimal.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from counteroffer import CatalogItem, Customer, Rep

__all__ = ["PRODUCTS", "CUSTOMERS", "REPS", "RULES", "DESCRIPTIONS", "product", "CURRENCY"]

CURRENCY = "USD"

# sku, name, category, list price, cost, order multiple, description
_ROWS = [
    ("DEMO-120", "Heavy-duty swivel caster, 150 mm, braked", "Material handling",
     "120.00", "80.00", 1, "Polyurethane wheel on a forged steel fork, 600 kg load rating, "
     "total lock brake. The scenario product: one volume break at 3,000 units."),
    ("FST-M8-50", "Hex bolt M8 x 50, zinc plated (box of 100)", "Fasteners",
     "14.50", "8.20", 1, "Grade 8.8 steel, DIN 933 full thread."),
    ("FST-NUT-M8", "Nylon-insert lock nut M8 (box of 200)", "Fasteners",
     "11.90", "6.10", 1, "DIN 985, zinc plated, reusable up to five times."),
    ("FST-WSH-M10", "Flat washer M10 (box of 500)", "Fasteners",
     "9.80", "4.90", 1, "DIN 125A, zinc plated steel."),
    ("FST-ANC-12", "Wedge anchor 1/2 x 4-3/4 in (box of 25)", "Fasteners",
     "38.00", "24.50", 1, "For solid concrete, ICC-ES listed."),
    ("GLV-NIT-L", "Nitrile disposable gloves, size L (box of 100)", "Safety",
     "12.40", "7.10", 10, "Powder free, 5 mil, food safe. Sold in cases of 10 boxes."),
    ("GLV-CUT-9", "Cut-resistant work gloves A4, size 9 (pair)", "Safety",
     "8.75", "4.60", 12, "HPPE shell with nitrile foam palm. Sold by the dozen."),
    ("SAF-GLS-CLR", "Safety glasses, clear anti-fog", "Safety",
     "4.95", "2.30", 12, "ANSI Z87.1+, wraparound polycarbonate lens. Sold by the dozen."),
    ("SAF-VST-XL", "Hi-vis safety vest, class 2, XL", "Safety",
     "6.80", "3.40", 10, "ANSI/ISEA 107 class 2, zip front. Packs of 10."),
    ("PAL-EUR-NEW", "EUR pallet 1200 x 800, new, heat treated", "Pallets & packaging",
     "24.00", "17.50", 1, "EPAL certified, ISPM 15 stamped, 1,500 kg dynamic load."),
    ("PAL-PLS-48", "Plastic pallet 48 x 40 in, rackable", "Pallets & packaging",
     "89.00", "61.00", 1, "HDPE, steel reinforced, 1,250 kg racking load."),
    ("PKG-STR-18", "Stretch film 18 in x 1,500 ft, 80 gauge (roll)", "Pallets & packaging",
     "21.50", "13.80", 4, "Cast film, quiet unwind. Cases of 4 rolls."),
    ("PKG-BOX-18", "Corrugated box 18 x 12 x 12 in, single wall", "Pallets & packaging",
     "1.35", "0.72", 25, "32 ECT kraft. Bundles of 25."),
    ("PKG-TAP-48", "Packing tape 48 mm x 100 m (roll)", "Pallets & packaging",
     "2.90", "1.45", 36, "Hot-melt, 2 mil, clear. Cases of 36 rolls."),
    ("CBL-THN-12", "THHN copper wire 12 AWG, 500 ft spool", "Electrical",
     "96.00", "71.00", 1, "Stranded, 600 V, black."),
    ("CBL-CT6-1K", "Cat6 cable, plenum, 1,000 ft box", "Electrical",
     "289.00", "205.00", 1, "CMP rated, 23 AWG solid copper, UL listed."),
    ("CBL-TIE-8", "Nylon cable ties 8 in, 50 lb (bag of 1,000)", "Electrical",
     "18.60", "9.40", 1, "UV resistant black nylon 6/6."),
    ("ELC-LED-4F", "LED shop light 4 ft, 5000 K, linkable", "Electrical",
     "34.50", "22.00", 2, "4,400 lm, 40 W, plug-in. Sold in pairs."),
    ("TL-DRL-18V", "Cordless drill/driver 18 V, two batteries", "Tools",
     "189.00", "128.00", 1, "Brushless, 1/2 in chuck, 2 x 4.0 Ah batteries and charger."),
    ("MRO-ABS-15", "Universal absorbent pads 15 x 19 in (bale of 100)", "Maintenance",
     "49.00", "30.00", 1, "Medium weight, absorbs oil, coolant and water."),
]

PRODUCTS: tuple[CatalogItem, ...] = tuple(
    CatalogItem(sku=sku, name=name, category=category, currency=CURRENCY,
                list_price=Decimal(price), cost=Decimal(cost), order_multiple=multiple)
    for sku, name, category, price, cost, multiple, _ in _ROWS)

DESCRIPTIONS: dict[str, str] = {row[0]: row[6] for row in _ROWS}

_BY_SKU = {item.sku: item for item in PRODUCTS}

CUSTOMERS: tuple[Customer, ...] = (
    Customer(company_id="acme", name="Acme Corp", segment="wholesale", owner_rep="rep@seller"),
    Customer(company_id="globex", name="Globex", segment="retail", owner_rep="rep@seller"),
)

# Who decides what the rules hand to a person: Rita owns both accounts and may give up to
# 10% off the price for the quantity on deals up to $500,000; beyond that it is Max's call.
REPS: tuple[Rep, ...] = (
    Rep(id="manager@seller", name="Max Moreno", email="max@seller.example",
        max_discount_pct=Decimal("25"), max_deal_value=Decimal("2000000")),
    Rep(id="rep@seller", name="Rita Reyes", email="rita@seller.example", manager_id="manager@seller",
        max_discount_pct=Decimal("10"), max_deal_value=Decimal("500000")),
)


def _breaks(*steps: tuple[int, str]) -> dict[str, Any]:
    return {"breaks": [{"min_quantity": qty, "unit_price": price} for qty, price in steps]}


# (kind, params, sku, segment). A floor with sku None covers every product; the
# strictest floor that applies wins, so per-SKU floors only ever raise it.
RULES: tuple[tuple[str, dict[str, Any], str | None, str | None], ...] = (
    ("floor", {"min_margin_pct": "15"}, None, None),
    ("floor", {"min_margin_pct": "20"}, None, "retail"),
    ("floor", {"min_margin_pct": "20"}, "DEMO-120", None),
    ("price_breaks", _breaks((3000, "110.00")), "DEMO-120", None),
    ("price_breaks", _breaks((50, "13.40"), (200, "12.60")), "FST-M8-50", None),
    ("price_breaks", _breaks((50, "10.95"), (200, "10.20")), "FST-NUT-M8", None),
    ("price_breaks", _breaks((100, "8.90"), (400, "8.30")), "FST-WSH-M10", None),
    ("price_breaks", _breaks((40, "35.50")), "FST-ANC-12", None),
    ("price_breaks", _breaks((100, "11.20"), (500, "10.40")), "GLV-NIT-L", None),
    # Wholesale buyers get deeper glove breaks: most specific rule wins for them.
    ("price_breaks", _breaks((100, "10.90"), (500, "9.95")), "GLV-NIT-L", "wholesale"),
    ("price_breaks", _breaks((144, "7.95"), (600, "7.40")), "GLV-CUT-9", None),
    ("price_breaks", _breaks((144, "4.40")), "SAF-GLS-CLR", None),
    ("price_breaks", _breaks((100, "6.10")), "SAF-VST-XL", None),
    ("price_breaks", _breaks((100, "22.50"), (500, "21.00")), "PAL-EUR-NEW", None),
    ("floor", {"min_unit_price": "20.50"}, "PAL-EUR-NEW", None),
    ("price_breaks", _breaks((50, "84.00"), (200, "79.00")), "PAL-PLS-48", None),
    ("price_breaks", _breaks((48, "19.90"), (200, "18.75")), "PKG-STR-18", None),
    ("price_breaks", _breaks((500, "1.22"), (2500, "1.09")), "PKG-BOX-18", None),
    ("price_breaks", _breaks((360, "2.55")), "PKG-TAP-48", None),
    ("price_breaks", _breaks((20, "91.00"), (100, "87.50")), "CBL-THN-12", None),
    # Copper tracks the market: never below a fixed price, whatever the margin says.
    ("floor", {"min_unit_price": "84.00"}, "CBL-THN-12", None),
    ("price_breaks", _breaks((10, "274.00"), (50, "259.00")), "CBL-CT6-1K", None),
    ("price_breaks", _breaks((25, "16.90"), (100, "15.40")), "CBL-TIE-8", None),
    ("price_breaks", _breaks((24, "31.90"), (100, "29.80")), "ELC-LED-4F", None),
    ("price_breaks", _breaks((10, "176.00"), (50, "165.00")), "TL-DRL-18V", None),
    ("floor", {"min_margin_pct": "18", "min_unit_price": "152.00"}, "TL-DRL-18V", None),
    ("price_breaks", _breaks((20, "45.50"), (80, "42.00")), "MRO-ABS-15", None),
    # Asks up to 20% under the guard price (a secret margin above each floor, where the
    # engine stops answering on its own) reach a rep rather than being declined: $90.00
    # for DEMO-120 goes to Max whatever this shop's draw (docs/security.md).
    ("routing", {"rep_reach_pct": "20"}, None, None),
    # Whole-cart quotes (docs/quotes.md). For wholesale buyers, order-value tiers: from
    # $125,000 every line is 6% off (never below its floor), so the README's 3-line cart
    # ($123,610.00 for Acme) hears "add $1,390.00 more"; paying within 10 days is worth 1% of
    # an order's total. No order goes below 18% over its cost, whatever its lines' own
    # floors allow. (Segment-scoped, so a pricing manager can still add an all-segments
    # rule of each kind in the editor: one rule per kind and scope.)
    ("order_tiers", {"tiers": [{"min_order_value": "50000", "discount_pct": "3"},
                               {"min_order_value": "125000", "discount_pct": "6"}]}, None, "wholesale"),
    ("term_lever", {"group": "payment", "option": "net10", "label": "pay within 10 days",
                    "value_pct": "1", "scope": "order"}, None, "wholesale"),
    ("order_floor", {"min_margin_pct": "18"}, None, None),
    # A competitor's price a buyer cites for DEMO-120 is matched: 1,000 at a cited $112.00
    # is offered at $112.00. Below the guard price a rep sees the citation instead; over
    # $250,000 a citation needs a document, else a rep checks it (docs/competing-offers.md).
    ("competing_offer", {"document_above": "250000"}, "DEMO-120", None),
    # For wholesale buyers, any product: a whole-cart quote's cited order total is matched
    # by the rule for all products (rules/quotes/citations.py), never below a line's guard
    # price or the order floor; Acme's cart with Globex at $118,000.00 is offered at that.
    ("competing_offer", {"document_above": "250000"}, None, "wholesale"),
)


def product(sku: str) -> CatalogItem | None:
    return _BY_SKU.get(sku)
