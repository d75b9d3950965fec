"""The rep API's shapes for a quote's escalation (issue 15). Like rep_schemas.py's, these
carry cost, floor, margin and headroom: they are only ever dumped for reps and managers."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ...negotiation.approvals.escalations import DECISION_ACTIONS, ESCALATION_STATUSES
from ...negotiation.quotes.asks import MAX_LINES
from ..buying.quotes_schemas import QuoteToldSchema
from ..buying.schemas import TermSchema, _money_field, _quantity_field, _Strict
from .rep_schemas import (
    _CompanySchema,
    _LastPaidSchema,
    _PersonSchema,
    _TermInput,
    buyer_message_field,
    rationale_field,
)

__all__ = ["QuoteDecisionSchema", "QuoteEscalationQuerySchema", "QuoteEscalationSchema"]


class _LineEditInput(_Strict):
    sku = fields.String(required=True, validate=validate.Length(min=1, max=64))
    quantity = _quantity_field()
    unit_price = _money_field()


class QuoteDecisionSchema(_Strict):
    action = fields.String(required=True, validate=validate.OneOf(DECISION_ACTIONS))
    lines = fields.List(fields.Nested(_LineEditInput), validate=validate.Length(max=MAX_LINES), metadata={
        "description": "Edits by SKU (a quantity, a unit price, or both); lines not named keep the "
                       "buyer's ask. Approve and counter only."})
    terms = fields.List(fields.Nested(_TermInput), validate=validate.Length(max=4))
    rationale = rationale_field()
    buyer_message = buyer_message_field("the quote panel")
    citation_checked = fields.Boolean(truthy={True}, falsy={False}, metadata={
        "description": "Optional: whether the decider checked the competing offer the buyer cited."})


class QuoteEscalationQuerySchema(_Strict):
    status = fields.String(load_default="open", validate=validate.OneOf(ESCALATION_STATUSES))
    quote_id = fields.String(validate=validate.Length(min=1, max=64))


def _money() -> fields.Decimal:
    return fields.Decimal(as_string=True, allow_none=True)


class _RepQuoteFactsSchema(Schema):
    position = fields.Integer()
    sku, name = fields.String(), fields.String()
    quantity, order_multiple = fields.Integer(), fields.Integer()
    target_unit_price, list_price, price_for_quantity = _money(), _money(), _money()
    floor, cost, margin, margin_pct, headroom = _money(), _money(), _money(), _money(), _money()
    last_price_paid = fields.Nested(_LastPaidSchema, allow_none=True)


class _RepQuoteLineSchema(Schema):
    sku = fields.String()
    quantity = fields.Integer()
    unit_price = fields.String()
    price_for_quantity = fields.String()
    explanation = fields.String()


class _RepQuoteSuggestionSchema(Schema):
    kind, message, explanation = fields.String(), fields.String(), fields.String()
    total = _money()
    terms = fields.List(fields.Nested(TermSchema))
    lines = fields.List(fields.Nested(_RepQuoteLineSchema))


class _QuoteDecidedSchema(Schema):
    action = fields.String()
    total = _money()
    lines = fields.List(fields.Nested(_RepQuoteLineSchema))
    terms = fields.List(fields.Nested(TermSchema))
    rationale = fields.String()
    buyer_message = fields.String(allow_none=True)
    decided_by = fields.Nested(_PersonSchema)
    decided_by_role = fields.String()
    on_behalf_of = fields.Nested(_PersonSchema, allow_none=True)
    decided_at = fields.AwareDateTime()
    citation_checked = fields.Boolean(allow_none=True)


class QuoteEscalationSchema(Schema):
    id, quote_id, status, quote_status = fields.String(), fields.String(), fields.String(), fields.String()
    round = fields.Integer()
    assignee = fields.Nested(_PersonSchema, allow_none=True)
    on_behalf_of = fields.Nested(_PersonSchema, allow_none=True)
    route, reason = fields.String(), fields.String()
    created_at, due_at = fields.AwareDateTime(), fields.AwareDateTime()
    overdue = fields.Boolean()
    buyer_id = fields.String()
    buyer_name = fields.String(allow_none=True)
    company = fields.Nested(_CompanySchema)
    currency = fields.String()
    cart_total, target_total, discount_pct_at_target, order_floor = _money(), _money(), _money(), _money()
    within_authority = fields.Boolean(allow_none=True)
    needs_approval_from = fields.Nested(_PersonSchema, allow_none=True)
    lines = fields.List(fields.Nested(_RepQuoteFactsSchema))
    suggested_quote = fields.Nested(_RepQuoteSuggestionSchema, allow_none=True)
    decision = fields.Nested(_QuoteDecidedSchema, allow_none=True)
    #: What the buyer told, round by round (issue 16): the citation, its document, needed_by.
    told = fields.List(fields.Nested(QuoteToldSchema))
    #: Why the buyer let the quote go, if they said.
    lost_reason = fields.String(allow_none=True)
    lost_note = fields.String(allow_none=True)
