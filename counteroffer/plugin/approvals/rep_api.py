"""The rep JSON API: the escalation inbox, decisions, the audit trail and out of office.

Mounted under the same prefix as the buyer API, as its own blueprint. Every route needs a
rep or manager: nobody logged in is 401, a buyer is 403.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, current_app, jsonify, request

from ...access import STAFF, allow
from ...negotiation import Actor, UnauthenticatedError
from ...negotiation.approvals import absences
from ...negotiation.approvals import escalations as uc
from ...negotiation.approvals.staff import require_staff
from ...negotiation.buying.document_store import staff_document
from ...negotiation.quotes.approvals import audit as quote_audit
from ...negotiation.quotes.approvals import decision as rep_decision
from ...negotiation.quotes.approvals import view as rep_view
from ...negotiation.quotes.approvals.proposal import LineEdit
from ..buying.schemas import EmptySchema
from ..errors import install_error_handlers
from ..idempotency import idempotent
from ..json_body import load_body
from .quote_rep_schemas import QuoteDecisionSchema, QuoteEscalationQuerySchema, QuoteEscalationSchema
from .rep_schemas import (
    AuditEventSchema,
    DecisionSchema,
    DelegationInputSchema,
    DelegationSchema,
    EscalationQuerySchema,
    EscalationSchema,
)

__all__ = ["rep_api"]

rep_api = Blueprint("negotiation_reps", __name__)
install_error_handlers(rep_api)

_escalation, _escalations = EscalationSchema(), EscalationSchema(many=True)
_decision, _query, _events = DecisionSchema(), EscalationQuerySchema(), AuditEventSchema(many=True)
_empty = EmptySchema()
_quote_escalation, _quote_escalations = QuoteEscalationSchema(), QuoteEscalationSchema(many=True)
_quote_decision, _quote_query = QuoteDecisionSchema(), QuoteEscalationQuerySchema()
_delegation, _delegations, _new_delegation = DelegationSchema(), DelegationSchema(many=True), DelegationInputSchema()


def _extension():  # noqa: ANN202 - the extension type would be a circular import
    return current_app.extensions["counteroffer"]


def _staff() -> Actor:
    actor = _extension().current_actor()
    if actor is None:
        raise UnauthenticatedError("Log in as a sales rep or manager.")
    require_staff(actor)
    return actor


@rep_api.get("/api/escalations")
@allow(*STAFF)
def list_escalations() -> Response:
    actor = _staff()
    query = _query.load(request.args.to_dict())
    views = uc.list_escalations(_extension().deps, actor, query["status"],
                                negotiation_id=query.get("negotiation_id"))
    return jsonify({"escalations": _escalations.dump(views)})


@rep_api.get("/api/escalations/<escalation_id>")
@allow(*STAFF)
def show_escalation(escalation_id: str) -> Response:
    view = uc.get_escalation(_extension().deps, _staff(), escalation_id)
    return jsonify(_escalation.dump(view))


@rep_api.post("/api/escalations/<escalation_id>/decision")
@allow(*STAFF)
def decide(escalation_id: str) -> Response:
    actor = _staff()
    data, deps = load_body(_decision), _extension().deps
    return idempotent(actor, data, lambda claim: uc.decide_escalation(
        deps, actor, escalation_id, data["action"], data["rationale"],
        unit_price=data.get("unit_price"), quantity=data.get("quantity"), terms=data.get("terms"),
        idempotency=claim, buyer_message=data.get("buyer_message"), citation_checked=data.get("citation_checked")),
        lambda view: (200, _escalation.dump(view)))


@rep_api.get("/api/quote-escalations")
@allow(*STAFF)
def list_quote_escalations() -> Response:
    actor = _staff()
    query = _quote_query.load(request.args.to_dict())
    views = rep_view.list_quote_escalations(_extension().deps, actor, query["status"], quote_id=query.get("quote_id"))
    return jsonify({"escalations": _quote_escalations.dump(views)})


@rep_api.get("/api/quote-escalations/<escalation_id>")
@allow(*STAFF)
def show_quote_escalation(escalation_id: str) -> Response:
    view = rep_view.get_quote_escalation(_extension().deps, _staff(), escalation_id)
    return jsonify(_quote_escalation.dump(view))


@rep_api.post("/api/quote-escalations/<escalation_id>/decision")
@allow(*STAFF)
def decide_quote(escalation_id: str) -> Response:
    actor = _staff()
    data, deps = load_body(_quote_decision), _extension().deps
    edits = [LineEdit(line["sku"], line.get("quantity"), line.get("unit_price")) for line in data.get("lines") or ()]
    return idempotent(actor, data, lambda claim: rep_decision.decide_quote_escalation(
        deps, actor, escalation_id, data["action"], data["rationale"], lines=edits, terms=data.get("terms"),
        buyer_message=data.get("buyer_message"), idempotency=claim, citation_checked=data.get("citation_checked")),
        lambda view: (200, _quote_escalation.dump(view)))


@rep_api.get("/api/negotiations/<negotiation_id>/audit")
@allow(*STAFF)
def audit(negotiation_id: str) -> Response:
    events = uc.audit_trail(_extension().deps, _staff(), negotiation_id)
    return jsonify({"events": _events.dump(events)})


@rep_api.get("/api/negotiations/<negotiation_id>/audit.csv")
@allow(*STAFF)
def audit_csv(negotiation_id: str) -> Response:
    text = uc.audit_csv(_extension().deps, _staff(), negotiation_id)
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="negotiation-{negotiation_id}-audit.csv"'})


@rep_api.get("/api/quotes/<quote_id>/audit")
@allow(*STAFF)
def quote_audit_trail(quote_id: str) -> Response:
    events = quote_audit.quote_audit_trail(_extension().deps, _staff(), quote_id)
    return jsonify({"events": _events.dump(events)})


@rep_api.get("/api/quotes/<quote_id>/audit.csv")
@allow(*STAFF)
def quote_audit_csv(quote_id: str) -> Response:
    text = quote_audit.quote_audit_csv(_extension().deps, _staff(), quote_id)
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="quote-{quote_id}-audit.csv"'})


@rep_api.get("/api/documents/<document_id>")
@allow(*STAFF)
def document(document_id: str) -> Response:
    """A buyer's cited document, for staff only: always a download (attachment), in the
    type its content was checked to be, never sniffed into another by the browser."""
    found = staff_document(_extension().deps, _staff(), document_id)
    return Response(found.data, mimetype=found.content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename, safe='')}",
        "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


@rep_api.get("/api/delegations")
@allow(*STAFF)
def list_delegations() -> Response:
    views = absences.list_delegations(_extension().deps, _staff())
    return jsonify({"delegations": _delegations.dump(views)})


@rep_api.post("/api/delegations")
@allow(*STAFF)
def add_delegation() -> tuple[Response, int]:
    actor = _staff()
    data = load_body(_new_delegation)
    view = absences.add_delegation(_extension().deps, actor, data["delegate_id"], data["starts_at"],
                                   data["ends_at"], rep_id=data.get("rep_id"))
    return jsonify(_delegation.dump(view)), 201


@rep_api.post("/api/delegations/<int:delegation_id>/end")
@allow(*STAFF)
def end_delegation(delegation_id: int) -> Response:
    actor = _staff()
    load_body(_empty)
    return jsonify(_delegation.dump(absences.end_delegation(_extension().deps, actor, delegation_id)))
