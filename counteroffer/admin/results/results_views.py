"""The results dashboard, for pricing managers and sales leads.

    GET <prefix>/admin/results?from=&to=&segment=&sort=     the page
    GET <prefix>/admin/results.csv?from=&to=&segment=&group_by=   the table as CSV
    GET <prefix>/admin/results/told?from=&to=&segment=&currency=&kind=       what buyers told, its own page
    GET <prefix>/admin/results/told.csv?from=&to=&segment=&currency=&kind=&table=   the same, a table as CSV

Routes of the back-office blueprint (``views.negotiation_admin``): its login, 401/403
pages and security headers apply. The use case decides who may read results (a rep
nobody reports to gets the 403 page). Server-rendered, charts as inline SVG, no script.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Response, render_template, request
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from ...access import MANAGER, REP, allow
from ...negotiation.results.reports import GROUPS, Measures, ResultsReport, results_csv, results_report
from ...negotiation.results.told.insights import CSV_TABLES, told_csv, told_insights
from ...negotiation.results.told.rows import KINDS
from ...negotiation.shared.states import Role
from .. import display
from ..base import actor, deps, negotiation_admin, problem
from .experiments_views import recent_experiments
from .results_charts import funnel, trend_chart

__all__ = ["results_dashboard", "results_csv_export", "results_told", "results_told_csv", "SORTS", "RULE_NAMES",
           "KIND_NAMES", "READERS", "LOST_WORDS"]

#: Per-rule table orders: query value -> (label, measure, descending).
SORTS = {"requests": ("Requests", "requests"), "margin": ("Margin kept above floor", "headroom_kept"),
         "given": ("Margin given away", "margin_given_away"), "volume": ("Extra volume won", "extra_volume")}
RULE_NAMES = {
    "volume_break": "Volume break (buy N more)", "margin_neutral_volume": "Margin-neutral volume",
    "alternative": "Equivalent product", "last_price_anchor": "Last price paid",
    "concession": "Concession over rounds", "auto_accept": "Accepted as asked",
    "rep_decision": "A person's price", "escalated": "With a person, no offer yet",
    "declined": "Declined", "rejected": "Rejected by a person",
    # Whole-cart quotes (issue 15): the order-level trade-offs, and a quote's own moves.
    "order_tier": "Order tier (add to the order)", "order_terms": "Order terms (whole order)",
    "margin_mix": "Margin mix across lines", "line_trade_offs": "Line trade-offs in a quote",
    "order_concession": "Order concession over rounds",
    # A cited competing offer (issue 16): the competing_offer rule's match.
    "match": "Matched a competing offer",
}
#: The rows of the lines-and-quotes table.
KIND_NAMES = {"line": "Single lines", "quote": "Whole-cart quotes"}
DEFAULT_DAYS = 90
#: Why not (negotiation/buying/why_not.py: LOST_REASONS), as the widget asks it.
LOST_WORDS = {"price_too_high": "Price too high", "found_cheaper": "Found it cheaper elsewhere",
              "quantity_too_large": "Quantity too large", "terms_do_not_fit": "Terms do not fit",
              "no_longer_needed": "No longer needed", "other": "Other"}
#: Roles let in; the use case then admits managers, pricing managers and sales leads.
READERS = (REP, MANAGER, Role.PRICING_MANAGER.value)


class _PageQuery(Schema):
    class Meta:
        unknown = EXCLUDE  # a page: stray parameters (utm_...) are ignored, not an error

    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    segment = fields.String(validate=validate.Length(max=64))
    sort = fields.String(load_default="requests", validate=validate.OneOf(list(SORTS)))
    group_by = fields.String(load_default="rule", validate=validate.OneOf(GROUPS))


_query = _PageQuery()


class _ToldQuery(_PageQuery):
    currency = fields.String(validate=validate.Regexp(r"^[A-Z]{3}$", error="A three-letter ISO code."))
    kind = fields.String(validate=validate.OneOf(KINDS, error="Choose line or quote, or leave it blank for both."))

    @pre_load
    def _blank_filters(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """A period with no requests has no currency; its links carry ``currency=``, and
        ``kind=`` for both kinds."""
        return {key: value for key, value in data.items() if key not in ("currency", "kind") or value}


class _ToldCsvQuery(_ToldQuery):
    table = fields.String(load_default="competitors", validate=validate.OneOf(list(CSV_TABLES)))


_told_page_query, _told_query = _ToldQuery(), _ToldCsvQuery()


def _read_query(schema: Schema = _query) -> dict[str, Any]:
    query = schema.load(request.args.to_dict())
    end = query.get("end") or deps().clock().date()
    query.setdefault("start", end - timedelta(days=DEFAULT_DAYS - 1))
    query["end"], query["segment"] = end, query.get("segment") or None
    return query


def _bad_query(error: ValidationError) -> tuple[str, int]:
    names = {"start": "from", "end": "to"}
    problems = "; ".join(f"{names.get(k, k)}: {' '.join(map(str, v))}"
                         for k, v in sorted(error.normalized_messages().items()))
    return problem(422, f"Check the filters ({problems}).")


@negotiation_admin.get("/admin/results")
@allow(*READERS)
def results_dashboard() -> str | tuple[str, int]:
    try:
        query = _read_query()
    except ValidationError as error:
        return _bad_query(error)
    by_rule = _report(query, "rule")
    trend = _report(query, _trend_period(query["start"], query["end"]))
    kinds = {group.key: group for group in _report(query, "kind").groups}
    return render_template("counteroffer_admin/results.html", report=by_rule, query=query,
                           rules=_sorted(by_rule.groups, query["sort"]), sorts=SORTS,
                           rule_name=rule_name, chart=_chart(trend), trend=trend,
                           funnel=_funnel(by_rule.total), duration=duration,
                           kinds=[(KIND_NAMES[key], kinds[key]) for key in KIND_NAMES if key in kinds],
                           experiments=recent_experiments())


# Its own page, not a section of the dashboard: its figures are read from the period's rows
# (citations, lost reasons), not from roll-ups, and over a year of a million negotiations
# that takes seconds (bench/README.md), far past the dashboard's second.
# Named results_*: admin/base.py lets pricing managers (not inbox staff) into those endpoints only.
@negotiation_admin.get("/admin/results/told")
@allow(*READERS)
def results_told() -> str | tuple[str, int]:
    try:
        query = _read_query(_told_page_query)
    except ValidationError as error:
        return _bad_query(error)
    told = told_insights(deps(), actor(), query["start"], query["end"], query["segment"], query.get("currency"),
                         query.get("kind"))
    choices = _report(query, "kind")  # the filters' segments and currencies, from the roll-ups
    return render_template("counteroffer_admin/results_told.html", told=told, choices=choices,
                           rule_name=rule_name, lost_words=LOST_WORDS)


@negotiation_admin.get("/admin/results.csv")
@allow(*READERS)
def results_csv_export() -> Response | tuple[str, int]:
    try:
        query = _read_query()
    except ValidationError as error:
        return _bad_query(error)
    report = _report(query, query["group_by"])
    name = f"results-{report.group_by}-{report.start}-{report.end}.csv"
    return Response(results_csv(report), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# Named results_*: admin/base.py lets pricing managers (not inbox staff) into those endpoints only.
@negotiation_admin.get("/admin/results/told.csv")
@allow(*READERS)
def results_told_csv() -> Response | tuple[str, int]:
    try:
        query = _read_query(_told_query)
    except ValidationError as error:
        return _bad_query(error)
    insights = told_insights(deps(), actor(), query["start"], query["end"], query["segment"], query.get("currency"),
                             query.get("kind"))
    name = f"told-{query['table']}-{insights.start}-{insights.end}.csv"
    return Response(told_csv(insights, query["table"]), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _report(query: dict[str, Any], group_by: str) -> ResultsReport:
    return results_report(deps(), actor(), query["start"], query["end"], group_by, query["segment"])


def _trend_period(start: date, end: date) -> str:
    days = (end - start).days + 1
    return "day" if days <= 31 else "week" if days <= 26 * 7 else "month"


def _sorted(groups: list[Measures], sort: str) -> list[Measures]:
    measure = SORTS[sort][1]
    return sorted(groups, key=lambda group: (-getattr(group, measure), group.key))


def _chart(trend: ResultsReport) -> Any:
    return trend_chart([(group.key, group.requests, group.deals) for group in trend.groups])


def _funnel(total: Measures) -> Any:
    return funnel([("Price requests", total.requests), ("Offer made", total.offered),
                   ("Deal agreed", total.deals), ("Order placed", total.redeemed)])


def duration(seconds: int | None) -> str:
    if seconds is None:
        return display.MISSING
    return f"{seconds} s" if seconds < 60 else display._span(seconds)


def rule_name(key: str) -> str:
    if key.startswith("terms:"):
        return "Terms: " + key.removeprefix("terms:").replace("+", ", ").replace("_", " ")
    return RULE_NAMES.get(key, key)
