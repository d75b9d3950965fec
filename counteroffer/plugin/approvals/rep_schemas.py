"""The rep API's shapes. Unlike the buyer's, these carry cost, floor and margin: they are
only ever dumped for reps and managers. Money and percentages travel as strings."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from ...negotiation.approvals.decisions import MAX_BUYER_MESSAGE
from ...negotiation.approvals.escalations import DECISION_ACTIONS, ESCALATION_STATUSES
from ..buying.schemas import NonBlank, TermSchema, ToldSchema, _money_field, _quantity_field, _Strict

__all__ = ["rationale_field", "buyer_message_field", "DecisionSchema", "EscalationQuerySchema", "EscalationSchema",
           "AuditEventSchema",
           "DelegationInputSchema", "DelegationSchema"]

_TEXT = validate.Length(min=1, max=100)


class _TermInput(_Strict):
    group = fields.String(required=True, validate=_TEXT)
    option = fields.String(required=True, validate=_TEXT)
    label = fields.String(required=True, validate=validate.Length(min=1, max=200))


def rationale_field() -> fields.String:
    return fields.String(required=True, validate=[validate.Length(min=1, max=2000), NonBlank()],
                         metadata={"description": "Why: internal, for reps, managers and the audit trail; "
                                                  "the buyer never sees it."})


def buyer_message_field(where: str) -> fields.String:
    return fields.String(validate=validate.Length(max=MAX_BUYER_MESSAGE), metadata={
        "description": f"Optional: what the buyer reads with the decision, in {where} and the e-mail."})


class DecisionSchema(_Strict):
    action = fields.String(required=True, validate=validate.OneOf(DECISION_ACTIONS))
    unit_price = _money_field()
    quantity = _quantity_field()
    terms = fields.List(fields.Nested(_TermInput), validate=validate.Length(max=4))
    rationale = rationale_field()
    buyer_message = buyer_message_field("the widget")
    citation_checked = fields.Boolean(truthy={True}, falsy={False}, metadata={
        "description": "Optional: whether the decider checked the competing offer the buyer cited."})


class EscalationQuerySchema(_Strict):
    status = fields.String(load_default="open", validate=validate.OneOf(ESCALATION_STATUSES))
    #: Only the escalations of this negotiation (with ``status=all``: every one it had).
    negotiation_id = fields.String(validate=validate.Length(min=1, max=64))


class _PersonSchema(Schema):
    id = fields.String()
    name = fields.String()


class _CompanySchema(Schema):
    id = fields.String()
    name = fields.String()
    segment = fields.String(allow_none=True)


class _LastPaidSchema(Schema):
    unit_price = fields.Decimal(as_string=True)
    quantity = fields.Integer()
    paid_at = fields.AwareDateTime()


class _SuggestionSchema(Schema):
    kind = fields.String()
    quantity = fields.Integer()
    unit_price = fields.Decimal(as_string=True)
    message = fields.String()
    explanation = fields.String()
    terms = fields.List(fields.Dict(keys=fields.String(), values=fields.String()))


class _RoundSchema(Schema):
    round = fields.Integer()
    quantity = fields.Integer()
    target_unit_price = fields.Decimal(as_string=True)
    at = fields.AwareDateTime()
    outcome = fields.String(allow_none=True)


class _DecisionSchema(Schema):
    action = fields.String()
    unit_price = fields.Decimal(as_string=True, allow_none=True)
    quantity = fields.Integer(allow_none=True)
    terms = fields.List(fields.Nested(TermSchema))
    rationale = fields.String()
    buyer_message = fields.String(allow_none=True)
    citation_checked = fields.Boolean(allow_none=True)
    decided_by = fields.Nested(_PersonSchema)
    decided_by_role = fields.String()
    on_behalf_of = fields.Nested(_PersonSchema, allow_none=True)
    decided_at = fields.AwareDateTime()


def _money(**kwargs: Any) -> fields.Decimal:
    return fields.Decimal(as_string=True, allow_none=True, **kwargs)


class EscalationSchema(Schema):
    id = fields.String()
    negotiation_id = fields.String()
    status = fields.String()
    negotiation_status = fields.String()
    round = fields.Integer()
    assignee = fields.Nested(_PersonSchema, allow_none=True)
    on_behalf_of = fields.Nested(_PersonSchema, allow_none=True)
    created_at = fields.AwareDateTime()
    remind_at = fields.AwareDateTime()
    due_at = fields.AwareDateTime()
    overdue = fields.Boolean()
    reminded_at = fields.AwareDateTime(allow_none=True)
    escalated_at = fields.AwareDateTime(allow_none=True)
    reason = fields.String()
    buyer_id = fields.String()
    buyer_name = fields.String(allow_none=True)
    company = fields.Nested(_CompanySchema)
    sku = fields.String()
    quantity = fields.Integer()
    currency = fields.String()
    list_price, price_for_quantity, target_unit_price = _money(), _money(), _money()
    floor, cost, margin_at_target = _money(), _money(), _money()
    margin_pct_at_target, discount_pct_at_target = _money(), _money()
    within_authority = fields.Boolean(allow_none=True)
    needs_approval_from = fields.Nested(_PersonSchema, allow_none=True)
    last_price_paid = fields.Nested(_LastPaidSchema, allow_none=True)
    suggested_offer = fields.Nested(_SuggestionSchema, allow_none=True)
    rounds = fields.List(fields.Nested(_RoundSchema))
    decision = fields.Nested(_DecisionSchema, allow_none=True)
    #: What the buyer told with each round (competing offers, needed_by), oldest first.
    told = fields.List(fields.Nested(ToldSchema))
    lost_reason = fields.String(allow_none=True)
    lost_note = fields.String(allow_none=True)


class AuditEventSchema(Schema):
    at = fields.AwareDateTime()
    actor_id = fields.String()
    actor_role = fields.String()
    on_behalf_of = fields.String(allow_none=True)
    action = fields.String()
    before_status = fields.String(allow_none=True)
    after_status = fields.String()
    rationale = fields.String(allow_none=True)
    detail = fields.Dict()


class DelegationInputSchema(_Strict):
    """Out of office: who stands in, from when until when (aware times, ISO 8601)."""

    rep_id = fields.String(validate=validate.Length(min=1, max=64))  # default: the caller
    delegate_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)


class DelegationSchema(Schema):
    id = fields.Integer()
    rep_id, rep_name = fields.String(), fields.String()
    delegate_id, delegate_name = fields.String(), fields.String()
    starts_at, ends_at = fields.AwareDateTime(), fields.AwareDateTime()
    status = fields.String()
    can_end = fields.Boolean()
