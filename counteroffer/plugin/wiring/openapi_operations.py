"""What each JSON route takes and answers, for the OpenAPI document (``openapi.py``).

``OPERATIONS`` maps an endpoint to the schemas its view loads and dumps, its success
status, the errors beyond those every operation has, and its **refusals**: the 422s that
depend on more than one field or on what the server holds (a product's currency, who is
a rep, which versions exist, today's date). JSON Schema cannot say those, so the
document states each in the operation's description and lists them under
``x-refusals`` (status, the fields the error names, the messages it gives as a regular
expression, and when); the fuzzer accepts a 422 on valid-looking input only when each
field it names, with each message, is listed there.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from marshmallow import INCLUDE, Schema, fields

from ...negotiation.results.reports import MAX_DAYS as REPORT_DAYS
from ...rules.loading import RULE_PARAMS
from ..approvals.quote_rep_schemas import QuoteDecisionSchema, QuoteEscalationQuerySchema, QuoteEscalationSchema
from ..approvals.rep_schemas import (
    AuditEventSchema,
    DecisionSchema,
    DelegationInputSchema,
    DelegationSchema,
    EscalationQuerySchema,
    EscalationSchema,
)
from ..buying.quotes_schemas import (
    QuoteCounterSchema,
    QuoteDealSchema,
    QuoteDocumentQuerySchema,
    QuoteListQuerySchema,
    QuoteRedeemSchema,
    QuoteRequestSchema,
    QuoteSchema,
)
from ..buying.schemas import (
    CounterSchema,
    DealSchema,
    DocumentSchema,
    DocumentUploadSchema,
    EmptySchema,
    ListQuerySchema,
    NegotiationSchema,
    PriceRequestSchema,
    RedeemSchema,
    TermsSchema,
    WhyNotSchema,
    WithdrawSchema,
)
from ..pricing.rules_schemas import (
    DiffQuerySchema,
    NoteSchema,
    RuleInputSchema,
    RuleOutputSchema,
    RuleQuerySchema,
    SimulationInputSchema,
    SimulationOutputSchema,
    VersionOutputSchema,
)
from ..results.experiments_api import (
    ExperimentListSchema,
    ExperimentResultsSchema,
    ExperimentSchema,
    PromoteSchema,
    StartExperimentSchema,
)
from ..results.results_api import ResultsQuerySchema
from ..results.told_api import ToldInsightsSchema, ToldQuerySchema

__all__ = ["Operation", "Refusal", "OPERATIONS", "ErrorSchema", "CSV"]


class ErrorDetailSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    # "fields" is a Schema attribute of marshmallow's own, so the field is named apart.
    field_messages = fields.Dict(required=True, data_key="fields",
                                 metadata={"description": "field -> its messages"})


class ErrorSchema(Schema):
    """Every 4xx and 5xx of the JSON APIs."""

    error = fields.Nested(ErrorDetailSchema, required=True)


def _listing(name: str, key: str, item: type[Schema]) -> type[Schema]:
    return Schema.from_dict({key: fields.List(fields.Nested(item), required=True)}, name=name)


NegotiationListSchema = _listing("NegotiationListSchema", "requests", NegotiationSchema)
QuoteListSchema = _listing("QuoteListSchema", "quotes", QuoteSchema)
DelegationListSchema = _listing("DelegationListSchema", "delegations", DelegationSchema)
EscalationListSchema = _listing("EscalationListSchema", "escalations", EscalationSchema)
AuditTrailSchema = _listing("AuditTrailSchema", "events", AuditEventSchema)
QuoteEscalationListSchema = _listing("QuoteEscalationListSchema", "escalations", QuoteEscalationSchema)


class MeasuresSchema(Schema):
    """One row of the results report (``results_api.measures_json``; docs/results.md)."""

    key = fields.String(required=True)
    requests, offered, deals, redeemed = (fields.Integer(required=True) for _ in range(4))
    decisions = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    acceptance_rate, conversion_rate, avg_discount_pct, automated_share, sla_compliance = (
        fields.Decimal(as_string=True, allow_none=True, required=True) for _ in range(5))
    margin_given_away, headroom_kept, order_revenue, extra_order_value = (
        fields.Decimal(as_string=True, required=True) for _ in range(4))
    # null when the group's orders were all of products without a known cost (docs/results.md)
    order_margin = fields.Decimal(as_string=True, allow_none=True, required=True)
    extra_volume = fields.Integer(required=True)
    deal_cycle_p50_s, deal_cycle_p90_s, decision_cycle_p50_s, decision_cycle_p90_s = (
        fields.Integer(allow_none=True, required=True) for _ in range(4))


class ResultsReportSchema(Schema):
    start = fields.Date(required=True, data_key="from")
    end = fields.Date(required=True, data_key="to")
    group_by = fields.String(required=True)
    segment = fields.String(allow_none=True, required=True)
    currency = fields.String(allow_none=True, required=True)
    currencies = fields.List(fields.String(), required=True)
    segments = fields.List(fields.String(), required=True)
    total = fields.Nested(MeasuresSchema, required=True)
    groups = fields.List(fields.Nested(MeasuresSchema), required=True)
    #: What buyers told in the period (issue 16): competitors cited, lost reasons.
    competitors = fields.List(fields.Nested(Schema.from_dict({
        "competitor": fields.String(required=True), "citations": fields.Integer(required=True),
        "negotiations": fields.Integer(required=True), "skus": fields.List(fields.String(), required=True)},
        name="CompetitorCountSchema")), required=True)
    lost_reasons = fields.List(fields.Nested(Schema.from_dict({
        "reason": fields.String(required=True), "negotiations": fields.Integer(required=True),
        "skus": fields.List(fields.String(), required=True)}, name="LostReasonCountSchema")), required=True)


RulePageSchema = Schema.from_dict(
    {"version": fields.String(required=True), "total": fields.Integer(required=True),
     "page": fields.Integer(required=True), "per_page": fields.Integer(required=True),
     "items": fields.List(fields.Nested(RuleOutputSchema), required=True)}, name="RulePageSchema")


class OpenObjectSchema(Schema):
    """A JSON object whose keys are not fixed here (a diff, a simulation's result)."""

    class Meta:
        unknown = INCLUDE


CSV = "text/csv"
PDF, HTML = "application/pdf", "text/html"


@dataclass(frozen=True)
class Refusal:
    """A 422 the schema cannot show: ``fields`` are the keys its error names, ``message``
    matches what it says about each."""

    fields: tuple[str, ...]
    message: str
    when: str

    def as_json(self) -> dict[str, Any]:
        return {"status": 422, "fields": list(self.fields), "message": self.message, "when": self.when}


@dataclass(frozen=True)
class Operation:
    summary: str
    response: type[Schema] | str | None  # a schema for JSON, a media type, or no body
    status: int = 200
    many: bool = False  # a JSON array of ``response``
    body: type[Schema] | None = None
    query: type[Schema] | None = None
    #: Error statuses beyond the ones every operation has (400, 401, 403, 413, 422, 429, 503).
    errors: tuple[int, ...] = ()
    refusals: tuple[Refusal, ...] = ()


_PLACES = "more decimal places than its currency has (JPY 0, USD 2, KWD 3)"
_PLACES_MESSAGE = r"[A-Z]{3} prices have at most [0-3] decimal places\."
_RULE_FIELDS = ("kind", "sku", "category", "segment", "priority", "params", "breaks",
                *sorted({name for names in RULE_PARAMS.values() for name in names}))
_RULE_MEANING = Refusal(_RULE_FIELDS, ".+", "the params do not fit the kind (docs/rules.md: each kind's "
                        "parameters, increasing breaks, one of value_pct and value_per_unit...), "
                        "the rule's SKU or category is not sold in the rules' currency, a floor "
                        "is below cost, or another rule of the draft has the same scope")


#: A results period no report covers (negotiation/results/reports.py: check_period).
_PERIOD_REFUSALS = (
    Refusal(("to",), r"The end of the period comes before its start\.", "to is before from"),
    Refusal(("from",), rf"A report covers at most {REPORT_DAYS} days\.",
            f"the period is {REPORT_DAYS:,} days or longer"))
#: What a request or counter may tell (issue 16) that only the use case can judge.
# Named as their error names them ("competing_offer.valid_until"); listed by the top field.
_TOLD_REFUSALS = (
    Refusal(("competing_offer", "needed_by"), r".+", "a date before today; a cited price with more "
            "places than the currency has; no uncited document of the buyer's company has the document_id"),
)
_QUOTE_TOLD_REFUSALS = (
    Refusal(("competing_offer", "needed_by"), r".+", "a date before today; a cited total or line price with more "
            "places than the currency has; a cited line whose SKU is not a line of the quote, or cited twice; "
            "no uncited document of the buyer's company has the document_id"),
)
_DOCUMENT_REFUSALS = (
    Refusal(("document", "content_base64"), r".+", "the file is not a plain PDF, PNG or JPEG of at most "
            "5 MB and 40 megapixels (script, a polyglot, a damaged file), its name has path parts, or the "
            "content is not base64"),
)
_LINES_SHAPE = Refusal(("lines",), r".+ is already on line \d+; put its whole quantity on one line\.",
                      "a SKU is on two lines (the field names the second: lines[2].sku)")
_QUOTE_LINES = (
    _LINES_SHAPE,
    Refusal(("lines",), r"No product with the SKU .+\.", "a line's SKU is no product (lines[i].sku)"),
    Refusal(("lines",), r".+ is priced in [A-Z]{3}; this quote is in [A-Z]{3}\.",
            "a line's product is priced in another currency (lines[i].sku)"),
    Refusal(("lines",), r"Only [\d,]+ units of .+ are available right now\.",
            "a line asks for more than is in stock (lines[i].quantity)"),
    Refusal(("lines",), _PLACES_MESSAGE, f"a line's target has {_PLACES} of the quote (lines[i].target_unit_price)"),
    Refusal(("order_target",), r"The cart's price for these quantities is .+; ask for less than that\.",
            "the order target's total is not below the cart's price for those quantities"),
    Refusal(("order_target",), _PLACES_MESSAGE, f"the order target's total has {_PLACES} of the quote"),
    Refusal(("order_target",), r"Give either a total or a discount_pct, not both\.",
            "the order target gives both a total and a discount_pct, or neither"),
    Refusal(("order_target",), r"Enter a percentage above 0 and below 100\.",
            "the order target's discount_pct is 100 or more"),
)
#: A person decides an escalated quote (issue 15, plugin/approvals/rep_api.py). Each
#: refusal names the line and field: lines[i].sku, lines[i].quantity, lines[i].unit_price.
REP_QUOTE_OPERATIONS: dict[str, Operation] = {
    "negotiation_reps.list_quote_escalations": Operation(
        "The rep's inbox of escalated quotes", QuoteEscalationListSchema, query=QuoteEscalationQuerySchema),
    "negotiation_reps.show_quote_escalation": Operation("One escalated quote", QuoteEscalationSchema, errors=(404,)),
    "negotiation_reps.decide_quote": Operation(
        "Approve, counter or reject a whole quote", QuoteEscalationSchema, body=QuoteDecisionSchema,
        errors=(404, 409), refusals=(
            Refusal(("lines",), r".+ is not a line of this quote\.", "an edit names a SKU the quote does not have"),
            Refusal(("lines",), r".+ is edited twice; give each line once\.", "two edits name one SKU"),
            Refusal(("lines",), _PLACES_MESSAGE, f"an edited price has {_PLACES} of the quote"),
            Refusal(("lines",), r"Must be more than zero\.", "an edited price is zero"),
            Refusal(("lines",), r".+ is sold in multiples of \d+\.", "an edited quantity is not a multiple of the "
                    "product's order multiple"),
            Refusal(("lines",), r".+: above the price for this quantity .+; it gives the buyer nothing\.",
                    "an edited price is above the price for the quantity"),
            Refusal(("lines",), r".+: Only [\d,]+ units of .+ are available right now\.",
                    "an edited quantity is more than is in stock"),
            Refusal(("lines", "terms"), r"A rejection takes no prices or terms; counter to change them\.",
                    "a rejection comes with lines or terms"))),
}
_CART_MISMATCH = ("the cart no longer matches the accepted quote (409, naming the line: a line removed, "
                  "a quantity below the quote's, another SKU)")

#: The whole-cart quote API (issue 14, plugin/buying/quotes_api.py).
QUOTE_OPERATIONS: dict[str, Operation] = {
    "negotiation.create_quote": Operation(
        "Ask for a quote for a whole cart", QuoteSchema, 201, body=QuoteRequestSchema, errors=(409,),
        refusals=(*_QUOTE_LINES, *_QUOTE_TOLD_REFUSALS)),
    "negotiation.list_quotes": Operation(
        "The company's quotes, newest first", QuoteListSchema, query=QuoteListQuerySchema),
    "negotiation.show_quote": Operation("One quote", QuoteSchema, errors=(404,)),
    "negotiation.counter_quote": Operation(
        "Answer a quote with the whole cart again", QuoteSchema, body=QuoteCounterSchema, errors=(404, 409),
        refusals=(*_QUOTE_LINES, *_QUOTE_TOLD_REFUSALS)),
    "negotiation.withdraw_quote": Operation(
        "Withdraw a quote (or decline a rep's counter), saying why if the buyer likes", QuoteSchema,
        body=WithdrawSchema, errors=(404, 409), refusals=(Refusal(("reason",), r".+", "a note without a reason"),)),
    "negotiation.quote_why_not": Operation(
        "Say why a withdrawn or expired quote ended without a deal (once)", QuoteSchema,
        body=WhyNotSchema, errors=(404, 409)),
    "negotiation.escalate_quote": Operation(
        "Ask a sales rep about a quote", QuoteSchema, body=EmptySchema, errors=(404, 409)),
    "negotiation.accept_quote_offer": Operation(
        "Accept a quote offer: one deal for the whole quote", QuoteDealSchema, 201, body=EmptySchema,
        errors=(404, 409)),
    "negotiation.redeem_quote": Operation(
        f"Use a quote deal for one order, all or nothing; refused when {_CART_MISMATCH}", QuoteDealSchema,
        body=QuoteRedeemSchema, errors=(404, 409)),
    "negotiation.quote_document_html": Operation(
        "The quote document, a page to print (the buyer's company and the seller's people)", HTML,
        query=QuoteDocumentQuerySchema, errors=(404, 409)),
    "negotiation.quote_document_pdf": Operation(
        "The quote document as PDF (the buyer's company and the seller's people)", PDF,
        query=QuoteDocumentQuerySchema, errors=(404, 409)),
}

#: endpoint -> what its view takes and answers.
OPERATIONS: dict[str, Operation] = {
    "negotiation.create_request": Operation(
        "Ask for a better price", NegotiationSchema, 201, body=PriceRequestSchema, errors=(404, 409),
        refusals=(Refusal(("sku",), r"No product with this SKU\.", "no product has this SKU"),
                  Refusal(("currency",), r"This product is priced in [A-Z]{3}\.",
                          "the product is priced in another currency"), *_TOLD_REFUSALS)),
    "negotiation.list_requests": Operation(
        "The company's price requests, newest first", NegotiationListSchema, query=ListQuerySchema),
    "negotiation.show_request": Operation("One price request", NegotiationSchema, errors=(404,)),
    "negotiation.counter_request": Operation(
        "Answer with another target price", NegotiationSchema, body=CounterSchema, errors=(404, 409),
        refusals=(Refusal(("target_unit_price",), _PLACES_MESSAGE, f"the price has {_PLACES} of the request"),
                  *_TOLD_REFUSALS)),
    "negotiation.withdraw_request": Operation(
        "Withdraw a request, saying why if the buyer likes", NegotiationSchema, body=WithdrawSchema,
        errors=(404, 409), refusals=(Refusal(("reason",), r".+", "a note without a reason"),)),
    "negotiation.upload_document": Operation(
        "Upload a competitor's quote (PDF, PNG or JPEG, 5 MB) to cite", DocumentSchema, 201,
        body=DocumentUploadSchema, refusals=_DOCUMENT_REFUSALS),
    "negotiation_reps.document": Operation(
        "A cited document, as an attachment (staff only); 410 once deleted under retention",
        "application/pdf, image/png, image/jpeg", errors=(404, 410)),
    "negotiation.why_not": Operation(
        "Say why a withdrawn or expired request ended without a deal (once)", NegotiationSchema,
        body=WhyNotSchema, errors=(404, 409)),
    "negotiation.escalate_request": Operation(
        "Ask a sales rep instead", NegotiationSchema, body=EmptySchema, errors=(404, 409)),
    "negotiation.accept_offer": Operation(
        "Accept an offer: a deal", DealSchema, 201, body=EmptySchema, errors=(404, 409)),
    "negotiation.redeem_deal": Operation(
        "Use a deal for an order", DealSchema, body=RedeemSchema, errors=(404, 409)),
    "negotiation.product_terms": Operation("A product's public terms", TermsSchema, errors=(404,)),
    **QUOTE_OPERATIONS,
    "negotiation_reps.list_escalations": Operation(
        "The rep's escalation inbox", EscalationListSchema, query=EscalationQuerySchema),
    "negotiation_reps.show_escalation": Operation("One escalation", EscalationSchema, errors=(404,)),
    "negotiation_reps.decide": Operation(
        "Approve, counter or reject", EscalationSchema, body=DecisionSchema, errors=(404, 409),
        refusals=(Refusal(("unit_price",), _PLACES_MESSAGE, f"a counter's price has {_PLACES} of the request"),
                  Refusal(("unit_price",), r"A counter above the price for this quantity .* gives the buyer nothing\.",
                          "a counter's price is above the price for the quantity"),
                  Refusal(("quantity",), r".+ is sold in multiples of \d+\.",
                          "the quantity is not a multiple of the product's order multiple"))),
    **REP_QUOTE_OPERATIONS,
    "negotiation_reps.audit": Operation("A negotiation's audit trail", AuditTrailSchema, errors=(404,)),
    "negotiation_reps.audit_csv": Operation("The audit trail as CSV", CSV, errors=(404,)),
    "negotiation_reps.quote_audit_trail": Operation("A quote's audit trail", AuditTrailSchema, errors=(404,)),
    "negotiation_reps.quote_audit_csv": Operation("A quote's audit trail as CSV", CSV, errors=(404,)),
    "negotiation_reps.list_delegations": Operation(
        "Out of office not yet over: one's own, one's reports', and where one stands in",
        DelegationListSchema),
    "negotiation_reps.add_delegation": Operation(
        "Say who stands in, from when until when", DelegationSchema, 201, body=DelegationInputSchema,
        errors=(403, 409),
        refusals=(Refusal(("rep_id", "delegate_id"), r".+ is not a sales rep\.", "someone named is not a sales rep"),
                  Refusal(("delegate_id",), r"Nobody can stand in for themselves\.", "the delegate is the rep"),
                  Refusal(("ends_at",), r"The end must come after the start\.|The end is already past\.",
                          "ends_at is not after starts_at, or is already past"))),
    "negotiation_reps.end_delegation": Operation(
        "End it now, or cancel it if it has not started", DelegationSchema, body=EmptySchema,
        errors=(403, 404, 409)),
    "negotiation_results.results": Operation(
        "Results for pricing managers and sales leads", ResultsReportSchema, query=ResultsQuerySchema,
        refusals=_PERIOD_REFUSALS),
    "negotiation_results.told_results": Operation(
        "What buyers told: competitors cited, gaps to our price, win rates, lost reasons", ToldInsightsSchema,
        query=ToldQuerySchema, refusals=_PERIOD_REFUSALS),
    "negotiation_experiments.list_experiments": Operation("Rule-set experiments, newest first", ExperimentListSchema),
    "negotiation_experiments.start_experiment": Operation(
        "Try two published versions on buyers", ExperimentSchema, 201, body=StartExperimentSchema, errors=(409,),
        refusals=(Refusal(("control", "challenger"), r"There is no version \d+\.|No rules are published yet\.|"
                          r"Only published versions can be tried on buyers\.|The same version as the control\.",
                          "a version does not exist or is not published, or both name the same version"),)),
    "negotiation_experiments.show_experiment": Operation(
        "An experiment and its results by arm, with 95% intervals", ExperimentResultsSchema, errors=(404,)),
    "negotiation_experiments.stop_experiment": Operation(
        "Stop an experiment", ExperimentSchema, body=EmptySchema, errors=(404, 409)),
    "negotiation_experiments.promote_experiment": Operation(
        "Publish the winning arm's rules", ExperimentSchema, body=PromoteSchema, errors=(404, 409)),
    **{f"negotiation_rules.{name}": Operation(*args, **cast(dict[str, Any], {"errors": (404, 409), **options}))
       for name, args, options in (
        ("list_rules", ("Rules of a version", RulePageSchema), {"query": RuleQuerySchema}),
        ("create_rule", ("Add a rule to the draft", RuleOutputSchema, 201),
         {"body": RuleInputSchema, "refusals": (_RULE_MEANING,)}),
        ("show_rule", ("One rule", RuleOutputSchema), {}),
        ("update_rule", ("Change a rule of the draft", RuleOutputSchema),
         {"body": RuleInputSchema, "refusals": (_RULE_MEANING,)}),
        ("delete_rule", ("Remove a rule from the draft", None, 204), {}),
        ("list_versions", ("Rule versions", VersionOutputSchema), {"many": True}),
        ("show_version", ("One version: draft, live or a number", VersionOutputSchema), {}),
        ("open_draft", ("Open a draft from the live rules", VersionOutputSchema, 201), {"body": NoteSchema}),
        ("discard_draft", ("Discard the draft", None, 204), {}),
        ("publish", ("Publish the draft", VersionOutputSchema, 201), {"body": NoteSchema}),
        ("rollback", ("Publish an earlier version again", VersionOutputSchema, 201), {"body": NoteSchema}),
        ("diff", ("What changed between two versions", OpenObjectSchema), {"query": DiffQuerySchema}),
        ("start_simulation", ("What if the draft were live", SimulationOutputSchema, 202),
         {"body": SimulationInputSchema}),
        ("show_simulation", ("A simulation's progress", SimulationOutputSchema), {}),
        ("cancel_simulation", ("Stop a simulation", SimulationOutputSchema), {"body": NoteSchema}),
        ("simulation_result", ("A finished simulation's figures and forecast", OpenObjectSchema), {}),
    )},
}
