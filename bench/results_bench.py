#!/usr/bin/env python3
"""Results benchmark: the dashboard's queries at 1,000,000 negotiations on PostgreSQL.

    .venv/bin/python bench/results_bench.py                 # 1,000,000 negotiations
    .venv/bin/python bench/results_bench.py --rows 100000   # a quicker run

In a throwaway schema (dropped at the end) of ``--url`` (default: the test database),
migrated with the plugin's own migrations, it

1. loads N negotiations and their result facts with ``INSERT ... SELECT`` over
   ``generate_series`` (a year of requests, 3 segments, 2,000 SKUs in 20 categories, 12
   reps, every rule kind, 40% with a deal, 30% redeemed, 15% escalated; 12% of them
   whole-cart quotes, with their order totals and the order-level rules; issue 16: every
   20th negotiation cites a competitor, one in four of those is matched, 10% give a lost
   reason; the quotes have 10 lines each and one in a hundred negotiations is a quote
   citing a competitor, by order total or a line's price, a quarter of them matched);
2. builds the roll-ups from the facts in SQL (``rollups.rebuild_in_sql``, the same sums a
   test checks against the incremental roll-ups);
3. times what the dashboard page asks, through the use case (``results_report`` by rule,
   by week for the trend and by kind) over the whole year, every segment and then one
   segment: the median of 5 warm runs of each page load; and what the told page
   (``/admin/results/told``: ``told_insights``, read from rows, and the filters' choices)
   asks, over the year (``told_page_s``) and its last 90 days (``told_page_90_days_s``,
   its default period, the dashboard's), and the competitors and lost reasons that
   ``GET /api/results`` lists beside its measures (``api_told_lists_s``, over the year);
4. in the same run, times a plain ``GROUP BY`` over the raw negotiations table (count and
   sum per status): the floor any query reading every row would have to beat;
5. times 200 price requests through ``request_price`` (which keeps the roll-ups up to date
   in its transaction) on the empty schema first and again on the loaded one: what
   incremental roll-ups cost per request does not grow with the data.

The last line printed is JSON: negotiations, dashboard_s, group_by_s, ratio (goal:
dashboard_s <= 1 and ratio <= 1.5), and the other figures.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from sqlalchemy import text  # noqa: E402

from counteroffer.adapters import CatalogItem, Customer  # noqa: E402
from counteroffer.db import make_engine, make_session_factory, transaction, upgrade  # noqa: E402
from counteroffer.negotiation import Actor, Deps, request_price  # noqa: E402
from counteroffer.negotiation.pricing.setup import save_customers, save_products, save_rule  # noqa: E402
from counteroffer.negotiation.results.reports import results_report  # noqa: E402
from counteroffer.negotiation.results.rollups import rebuild_in_sql  # noqa: E402
from counteroffer.negotiation.results.told.insights import told_insights  # noqa: E402
from counteroffer.negotiation.results.told.report import told_report  # noqa: E402
from counteroffer.negotiation.shared.cache import LookupCache  # noqa: E402

BASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
START, END = date(2025, 1, 1), date(2025, 12, 31)
QUARTER = date(2025, 10, 3)  # the last 90 days of the year
MANAGER = Actor("bench@seller", "manager", name="Bench")
RUNS = 5
REQUESTS = 200

# One negotiation per i; everything is a cheap function of i, so the load is one statement.
_NEGOTIATIONS = """
INSERT INTO counteroffer_negotiations (id, company_id, buyer_id, sku, currency, quantity,
  target_unit_price, status, round, created_at, updated_at, lost_reason)
SELECT lpad(to_hex(i), 32, '0'), 'co' || (i % 5000), 'buyer' || (i % 20000), 'SKU-' || (i * 7 % 2000),
  'USD', 100 + i % 900, 90 + (i % 30), (ARRAY['countered','accepted','escalated','declined','expired'])[1 + i % 5],
  1 + i % 3, timestamp '2025-01-01' + (i % 365) * interval '1 day' + (i % 86400) * interval '1 second',
  timestamp '2025-01-01' + (i % 365) * interval '1 day' + (i % 86400) * interval '1 second',
  CASE WHEN i % 10 = 8 THEN (ARRAY['price_too_high','found_cheaper','quantity_too_large','terms_do_not_fit',
                                   'no_longer_needed','other'])[1 + i / 10 % 6] END
FROM generate_series(1, :rows) AS i
"""
_FACTS = """
INSERT INTO counteroffer_result_facts (negotiation_id, day, requested_at, company_id, segment, sku,
  category, currency, rule_version_id, asked_quantity, list_price, price_for_quantity, cost, floor,
  offered, rule, dec_accept, dec_counter, dec_escalate, dec_decline, dec_approve, dec_rep_counter,
  dec_reject, rep_id, escalated_at, due_at, decided_at, deal_at, deal_quantity, deal_unit_price,
  deal_list_price, deal_cost, deal_floor, by_person, redeemed_at, kind, deal_value, deal_list_value,
  deal_floor_value, deal_cost_value, extra_value)
SELECT lpad(to_hex(i), 32, '0'), n.created_at::date, n.created_at, 'co' || (i % 5000),
  (ARRAY['wholesale','retail','strategic'])[1 + i % 3],
  CASE WHEN n.quote THEN '-' ELSE 'SKU-' || (i * 7 % 2000) END,
  CASE WHEN n.quote THEN NULL ELSE 'cat-' || (i * 7 % 2000 % 20) END,
  'USD', (1 + i % 4)::text, n.quantity, 120, 118, 80, 96, i % 10 <> 9,
  CASE WHEN n.quote THEN (ARRAY['order_tier','order_terms','margin_mix','line_trade_offs','order_concession',
                                'auto_accept','escalated','declined','rep_decision','order_tier'])[1 + i % 10]
  ELSE (ARRAY['volume_break','margin_neutral_volume','terms:payment','terms:delivery+payment','alternative',
         'last_price_anchor','concession','auto_accept','rep_decision','declined'])[1 + i % 10] END,
  (i % 10 = 7)::int, (i % 10 < 7)::int, (i % 20 < 3)::int, (i % 10 = 9)::int, (i % 20 = 1)::int, 0,
  (i % 20 = 2)::int,
  CASE WHEN i % 20 < 3 THEN 'rep' || (i % 12) END,
  CASE WHEN i % 20 < 3 THEN n.created_at END,
  CASE WHEN i % 20 < 3 THEN n.created_at + interval '24 hours' END,
  CASE WHEN i % 20 < 3 THEN n.created_at + (i % 30) * interval '1 hour' END,
  CASE WHEN i % 10 < 4 THEN n.created_at + (i % 50) * interval '7 minutes' END,
  CASE WHEN i % 10 < 4 THEN n.quantity * (1 + i % 3) END,
  CASE WHEN i % 10 < 4 THEN 100 + i % 15 END,
  CASE WHEN i % 10 < 4 THEN 120 END, CASE WHEN i % 10 < 4 THEN 80 END, CASE WHEN i % 10 < 4 THEN 96 END,
  i % 20 = 1,
  CASE WHEN i % 10 < 3 THEN n.created_at + interval '3 days' END,
  CASE WHEN n.quote THEN 'quote' ELSE 'line' END,
  -- A quote keeps its order totals (about 12 lines' worth); a line request its unit prices.
  CASE WHEN n.quote AND i % 10 < 4 THEN n.quantity * (1 + i % 3) * (100 + i % 15) * 12 END,
  CASE WHEN n.quote AND i % 10 < 4 THEN n.quantity * (1 + i % 3) * 120 * 12 END,
  CASE WHEN n.quote AND i % 10 < 4 THEN n.quantity * (1 + i % 3) * 96 * 12 END,
  CASE WHEN n.quote AND i % 10 < 4 THEN n.quantity * (1 + i % 3) * 80 * 12 END,
  CASE WHEN n.quote AND i % 10 < 4 THEN n.quantity * (i % 3) * (100 + i % 15) * 12 END
FROM generate_series(1, :rows) AS i, LATERAL (SELECT 100 + i % 900 AS quantity, i % 25 < 3 AS quote,
  timestamp '2025-01-01' + (i % 365) * interval '1 day' + (i % 86400) * interval '1 second' AS created_at) AS n
"""
# Issue 16: a citation on every 20th negotiation (those whose fact is a quote's the report
# leaves out: a line citation is read with its line request's fact), and a match offer on every 80th.
_TOLD = """
INSERT INTO counteroffer_told (negotiation_id, round, competitor, unit_price, created_at)
SELECT n.id, 1, (ARRAY['Globex Supply','Initech','Umbrella','Hooli','Vandelay'])[1 + i / 20 % 5],
  100 + i % 20, n.created_at
FROM generate_series(5, :rows, 20) AS i JOIN counteroffer_negotiations n ON n.id = lpad(to_hex(i), 32, '0')
"""
_MATCHES = """
INSERT INTO counteroffer_offers (id, negotiation_id, round, kind, sku, quantity, unit_price, currency, status,
  expires_at, message, explanation, created_at, rank)
SELECT 'm' || substr(n.id, 2), n.id, 1, 'match', n.sku, n.quantity, 105, 'USD', 'open',
  n.created_at + interval '2 days', 'We match the offer you cited.', 'matches a cited competing offer', n.created_at, 0
FROM generate_series(5, :rows, 80) AS i JOIN counteroffer_negotiations n ON n.id = lpad(to_hex(i), 32, '0')
"""
# Issue 16 for quotes: the quotes behind the quote facts (i % 25 < 3), 10 lines each, a lost
# reason on one in six (i % 50 = 1); one in a hundred negotiations (i % 100 = 27, a quote) cites a
# competitor with its round's bid, half by order total and half by a line's price; a
# quarter of those were matched.
_QUOTES = """
INSERT INTO counteroffer_quotes (id, company_id, buyer_id, currency, status, round, cart_total, created_at,
  updated_at, lost_reason)
SELECT id, company_id, buyer_id, 'USD', status, 1, 0, created_at, updated_at,
  CASE WHEN i % 50 = 1 THEN (ARRAY['price_too_high','found_cheaper','quantity_too_large','terms_do_not_fit',
                                   'no_longer_needed','other'])[1 + i / 50 % 6] END
FROM counteroffer_negotiations n, generate_series(1, :rows) AS i
WHERE i % 25 < 3 AND n.id = lpad(to_hex(i), 32, '0')
"""
_QUOTE_LINES = """
INSERT INTO counteroffer_quote_lines (quote_id, position, sku, name, quantity, price_for_quantity, category)
SELECT q.id, k, 'SKU-' || s.n, 'Bench item', 100 + k * 37 % 900, 110 + k, 'cat-' || (s.n % 20)
FROM counteroffer_quotes q, generate_series(0, 9) AS k,
  LATERAL (SELECT (('x' || right(q.id, 15))::bit(60)::bigint * 7 + k * 13) % 2000 AS n) AS s
"""
_QUOTE_BIDS = """
INSERT INTO counteroffer_quote_bids (quote_id, round, lines, outcome, reason, created_at)
SELECT q.id, 1, (SELECT json_agg(json_build_object('sku', l.sku, 'quantity', l.quantity) ORDER BY l.position)
                 FROM counteroffer_quote_lines l WHERE l.quote_id = q.id), 'countered', '', q.created_at
FROM generate_series(27, :rows, 100) AS i JOIN counteroffer_quotes q ON q.id = lpad(to_hex(i), 32, '0')
"""
_QUOTE_TOLD = """
INSERT INTO counteroffer_quote_told (quote_id, round, competitor, total, line_prices, created_at)
SELECT q.id, 1, (ARRAY['Globex Supply','Initech','Umbrella','Hooli','Vandelay'])[1 + i / 100 % 5],
  CASE WHEN i % 200 = 27 THEN (SELECT sum(l.quantity * l.price_for_quantity) * 0.95
                               FROM counteroffer_quote_lines l WHERE l.quote_id = q.id) END,
  CASE WHEN i % 200 <> 27 THEN (SELECT json_build_array(json_build_object('sku', l.sku, 'unit_price', '104.00'))
                                FROM counteroffer_quote_lines l WHERE l.quote_id = q.id AND l.position = 0) END,
  q.created_at
FROM generate_series(27, :rows, 100) AS i JOIN counteroffer_quotes q ON q.id = lpad(to_hex(i), 32, '0')
"""
_QUOTE_MATCHES = """
INSERT INTO counteroffer_quote_offers (id, quote_id, round, kind, status, currency, total, expires_at, message,
  explanation, created_at, rank)
SELECT 'm' || substr(q.id, 2), q.id, 1, 'match', 'open', 'USD', 1, q.created_at + interval '2 days',
  'We match the offer you cited.', 'matches a cited competing offer', q.created_at, 0
FROM generate_series(27, :rows, 400) AS i JOIN counteroffer_quotes q ON q.id = lpad(to_hex(i), 32, '0')
"""
_PLAIN_GROUP_BY = ("SELECT status, count(*), sum(quantity * target_unit_price) "
                   "FROM counteroffer_negotiations GROUP BY status")


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _median(action: Callable[[], object]) -> float:
    action()  # warm: plans and pages cached, as on a dashboard people use
    return statistics.median(_timed(action) for _ in range(RUNS))


def _load(engine, rows: int) -> dict[str, float]:
    figures = {}
    with engine.begin() as connection:
        figures["load_negotiations_s"] = _timed(lambda: connection.execute(text(_NEGOTIATIONS), {"rows": rows}))
        figures["load_facts_s"] = _timed(lambda: connection.execute(text(_FACTS), {"rows": rows}))
        figures["citations"] = connection.execute(text(_TOLD), {"rows": rows}).rowcount
        figures["matches"] = connection.execute(text(_MATCHES), {"rows": rows}).rowcount
        figures["load_quotes_s"] = _timed(lambda: [connection.execute(text(sql), {"rows": rows}) for sql in (
            _QUOTES, _QUOTE_LINES, _QUOTE_BIDS)])
        figures["quote_citations"] = connection.execute(text(_QUOTE_TOLD), {"rows": rows}).rowcount
        figures["quote_matches"] = connection.execute(text(_QUOTE_MATCHES), {"rows": rows}).rowcount
    with engine.begin() as connection:
        connection.execute(text("ANALYZE counteroffer_negotiations; ANALYZE counteroffer_result_facts; "
                                "ANALYZE counteroffer_told; ANALYZE counteroffer_offers; ANALYZE counteroffer_quotes; "
                                "ANALYZE counteroffer_quote_lines; ANALYZE counteroffer_quote_bids; "
                                "ANALYZE counteroffer_quote_told; ANALYZE counteroffer_quote_offers"))
    session_factory = make_session_factory(engine)
    with transaction(session_factory) as session:
        figures["build_rollups_s"] = _timed(lambda: rebuild_in_sql(session))
    with engine.begin() as connection:
        connection.execute(text("ANALYZE counteroffer_result_rollups; ANALYZE counteroffer_result_cycles"))
        figures["rollup_rows"] = connection.scalar(text("SELECT count(*) FROM counteroffer_result_rollups"))
    return figures


def _dashboard(deps: Deps, segment: str | None) -> Callable[[], object]:
    def page() -> object:  # what the page asks: by rule, the trend, lines beside quotes (told is a link)
        by_rule = results_report(deps, MANAGER, START, END, "rule", segment)
        trend = results_report(deps, MANAGER, START, END, "week", segment)
        kinds = results_report(deps, MANAGER, START, END, "kind", segment)
        return by_rule, trend, kinds
    return page


def _told_page(deps: Deps, start: date) -> Callable[[], object]:
    def page() -> object:  # what /admin/results/told asks: what buyers told, and the filters' choices
        return told_insights(deps, MANAGER, start, END), results_report(deps, MANAGER, start, END, "kind")
    return page


def _quotes_among(rows: int, first: int, step: int) -> int:
    """How many of the negotiations first, first + step, ... are quotes (i % 25 < 3 in _FACTS)."""
    return sum(1 for i in range(first, rows + 1, step) if i % 25 < 3)


def _plain_group_by(engine) -> Callable[[], object]:
    def query() -> object:
        with engine.connect() as connection:
            return connection.execute(text(_PLAIN_GROUP_BY)).all()
    return query


def _seed_one_product(deps: Deps) -> None:
    save_products(deps, [CatalogItem("BENCH-1", "Bench item", "USD", Decimal("120.00"), Decimal("80.00"), "cat-1")])
    save_customers(deps, [Customer("bench-co", "Bench Co", "wholesale")])
    save_rule(deps, "price_breaks", {"breaks": [{"min_quantity": 3000, "unit_price": "110.00"}]}, sku="BENCH-1")
    save_rule(deps, "floor", {"min_margin_pct": "20"}, sku="BENCH-1")


def _requests_per_second(deps: Deps, count: int = REQUESTS) -> float:
    buyer = Actor("buyer@bench", "buyer", company_id="bench-co")
    started = time.perf_counter()
    for _ in range(count):
        request_price(deps, buyer, "BENCH-1", 1000, Decimal("110.00"), "USD")
    return round(count / (time.perf_counter() - started), 1)


def run(url: str, rows: int) -> dict[str, object]:
    schema = f"results_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(f"{url}?options=-csearch_path%3D{schema}")
    try:
        upgrade(engine)
        deps = Deps(session_factory=make_session_factory(engine), cache=LookupCache(60),
                    clock=lambda: datetime(2025, 12, 31, 12, tzinfo=UTC))
        _seed_one_product(deps)
        figures: dict[str, object] = {"requests_per_s_empty": _requests_per_second(deps)}
        figures.update(_load(engine, rows))
        check = results_report(deps, MANAGER, START, END, "rule")
        assert check.total.requests == rows + REQUESTS, (check.total.requests, rows)
        kinds = {group.key: group.requests for group in results_report(deps, MANAGER, START, END, "kind").groups}
        figures["quotes"] = kinds.get("quote", 0)
        assert kinds.get("quote", 0) + kinds.get("line", 0) == rows + REQUESTS, kinds
        told = told_insights(deps, MANAGER, START, END)
        lines_cited = figures["citations"] - _quotes_among(rows, 5, 20)  # a line citation on a quote's id: no fact
        assert told.total.citations == lines_cited + figures["quote_citations"], told.total
        assert sum(group.negotiations for group in told.lost_by_rule) > 0
        figures["told_page_s"] = round(_median(_told_page(deps, START)), 4)
        # The told page's default period (the dashboard's): its last 90 days.
        figures["told_page_90_days_s"] = round(_median(_told_page(deps, QUARTER)), 4)
        # GET /api/results answers the period's measures and, beside them, told_report's lists.
        figures["api_told_lists_s"] = round(_median(lambda: told_report(deps, MANAGER, START, END)), 4)
        figures["dashboard_s"] = round(_median(_dashboard(deps, None)), 4)
        figures["dashboard_segment_s"] = round(_median(_dashboard(deps, "retail")), 4)
        figures["group_by_s"] = round(_median(_plain_group_by(engine)), 4)
        figures["requests_per_s_loaded"] = _requests_per_second(deps)
        return figures
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--url", default=BASE_URL)
    args = parser.parse_args()
    figures = run(args.url, args.rows)
    worst = max(figures["dashboard_s"], figures["dashboard_segment_s"])
    # The figures come first so that dashboard_s is the worse one (it was overwritten by the
    # all-segments figure); that one stays, as dashboard_all_segments_s.
    summary = {"negotiations": args.rows, **figures, "dashboard_all_segments_s": figures["dashboard_s"],
               "dashboard_s": worst, "ratio": round(worst / figures["group_by_s"], 3)}
    for key, value in summary.items():
        print(f"{key:>30}: {value}")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
