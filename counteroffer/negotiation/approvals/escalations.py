"""Escalations, for the back office and the rep API: one place to import from.

    list_escalations(deps, actor, status="open")   -> [EscalationView], soonest due first
        (negotiation_id=...: only that negotiation's)
    count_open(deps, actor)                         -> int, what waits in the caller's inbox
    get_escalation(deps, actor, escalation_id)      -> EscalationView
    decide_escalation(deps, actor, escalation_id, action, rationale,
                      unit_price=None, quantity=None, terms=None) -> EscalationView
    audit_trail(deps, actor, negotiation_id)        -> [AuditEvent]
    audit_csv(deps, actor, negotiation_id)          -> str

``actor`` is a rep or manager (buyers get ForbiddenError). Errors are NegotiationErrors
with an HTTP status: 404 not visible, 409 decided or void, 422 bad input, 403 beyond
the decider's authority (``BeyondAuthorityError``, naming who can approve).
"""
from .audit import CSV_COLUMNS, AuditEvent, audit_csv, audit_trail
from .decisions import DECISION_ACTIONS, BeyondAuthorityError, decide_escalation
from .inbox import (
                    ESCALATION_STATUSES,
                    CompanyRef,
                    DecisionView,
                    EscalationView,
                    LastPaidView,
                    PersonRef,
                    RoundView,
                    SuggestionView,
                    count_open,
                    get_escalation,
                    list_escalations,
)
from .reps import Rep, save_delegation, save_reps
from .sla import SweepResult, sweep_escalations

__all__ = [
    "list_escalations", "count_open", "get_escalation", "decide_escalation", "audit_trail", "audit_csv",
    "sweep_escalations", "save_reps", "save_delegation", "Rep", "EscalationView", "PersonRef",
    "CompanyRef", "LastPaidView", "SuggestionView", "RoundView", "DecisionView", "AuditEvent",
    "SweepResult", "BeyondAuthorityError", "DECISION_ACTIONS", "ESCALATION_STATUSES", "CSV_COLUMNS",
]
