"""What a buyer tells with a quote: a cited competing offer, and the day the goods are needed.

A cited offer is the competitor's **order total** for the quote's lines, or its **unit
price** for some of them. The ``competing_offer`` rule (rules/competing.py) matches it as
it matches one line's: the order total less the rule's margin (``beat_by_amount`` per
unit of the order, or ``beat_by_pct`` of the total), each cited line's price less it.

A citation is information, never a target to probe with (docs/competing-offers.md):

- it is read only after the target alone: an accepted quote stays accepted, a strategic
  account still goes to a person, and a blocked quote (stock, a line's catalog price
  below its floor) never gets here;
- the match is spread over the lines' room down to each line's **guard price** (the
  margin mix, mix.py), never lower, and keeps the order floor; a cited total or line
  price the rules cannot reach goes to a person with the evidence and no offer: it is
  never answered with the guard prices or the floors;
- above the rule's ``document_above`` (the order value at the match) a citation without
  a document goes to a person;
- the match starts from each line's cap, so it is never above an earlier price-only offer,
  and binds later rounds as one (``MATCH`` is price-only, lines.py).

``needed_by`` takes the order's levers whose ``lead_days`` end after it off the table
(order_rules.py: ``deliverable``), as for one line's levers (rules/tradeoffs.py).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from ..competing import BELOW_GUARD, NEEDS_DOCUMENT, matched_price
from ..engine import OVER_LIMIT, resolver_for
from ..messages import format_money
from ..model import CompetingOffer, Outcome
from ..ruleset import CompiledRules, RuleSet
from .candidates import QuoteCandidate
from .decisions import accept, decision, escalate, meets_order_floor
from .lines import QuoteFrame
from .mix import mix_quote
from .model import QuoteCitation, QuoteDecision, QuoteOfferKind
from .offers import make_quote_offer
from .routing import STRATEGIC, over_limit

__all__ = ["CitedQuote", "cited_quote", "with_citation", "matched_total", "MATCHED"]

MATCHED = "matches a cited competing offer"
_AT_TARGET = "target at or above a cited competing offer's match"


@dataclass(frozen=True, slots=True)
class CitedQuote:
    """What a citation earns: ``match`` (a whole quote at the matched prices) or, when
    ``match`` is None, a person, for ``reason``."""

    reason: str
    match: QuoteCandidate | None = None


def with_citation(qf: QuoteFrame, rules: RuleSet | CompiledRules, routed: QuoteDecision) -> QuoteDecision:
    """The routed answer, unless a cited competing offer a rule covers changes it."""
    if routed.outcome is Outcome.ACCEPT or routed.reason == STRATEGIC:
        return routed
    cited = cited_quote(qf, resolver_for(rules)("", None, qf.request.segment).competing)
    if cited is None:
        return routed
    match = cited.match
    if match is None:  # a person sees the evidence, with the rules' own offers to start from
        return escalate(qf, cited.reason, routed.offers or routed.suggestions)
    limit = qf.routing.auto_approval_limit
    if match.total <= qf.target:
        at_target = mix_quote(qf, [o.priced.unit_price for o in match.lines], QuoteOfferKind.AS_ASKED, _AT_TARGET)
        return _accept_within(qf, at_target or match, limit)
    first = make_quote_offer(qf, match)
    # The rules' own counters stay beside the match: citing never takes an offer away.
    others = (routed.offers if routed.outcome is Outcome.COUNTER else ())[: qf.policy.max_offers - 1]
    if over_limit(qf, match, limit):
        return escalate(qf, OVER_LIMIT, (first, *others))
    return decision(qf, Outcome.COUNTER, (first, *others), cited.reason)


def _accept_within(qf: QuoteFrame, candidate: QuoteCandidate, limit: Decimal | None) -> QuoteDecision:
    if over_limit(qf, candidate, limit):
        return escalate(qf, OVER_LIMIT, (make_quote_offer(qf, candidate),))
    return accept(qf, candidate, _AT_TARGET)


def cited_quote(qf: QuoteFrame, order_rules: tuple[CompetingOffer, ...]) -> CitedQuote | None:
    """None when the citation changes nothing: none given, past its date, no rule covers
    the competitor, or the match is no lower than the quote's own standing prices."""
    citation = qf.request.citation
    if citation is None or _expired(citation, qf.now.date()):
        return None
    if citation.total is not None:
        return _cited_total(qf, citation, citation.total, order_rules)
    return _cited_lines(qf, citation)


def matched_total(rule: CompetingOffer, total: Decimal, units: int, currency: str) -> Decimal:
    """The cited order total less the rule's margin: ``beat_by_amount`` is per unit, so
    on a total it is that much per unit of the order."""
    if rule.beat_by_amount is not None:
        rule = replace(rule, beat_by_amount=rule.beat_by_amount * units)
    return matched_price(rule, total, currency)


def _cited_total(qf: QuoteFrame, citation: QuoteCitation, total: Decimal,
                 rules: tuple[CompetingOffer, ...]) -> CitedQuote | None:
    rule = _covering(rules, citation.competitor)
    if rule is None:
        return None
    units = sum(line.quantity for line in qf.lines)
    match_total = matched_total(rule, total, units, qf.currency)
    if match_total >= qf.standing_total:
        return None
    why = f"matches {citation.competitor} at {format_money(total, qf.currency)} for the order"
    candidate = mix_quote(qf, [line.guard for line in qf.lines], QuoteOfferKind.MATCH, why, match_total)
    if candidate is None:  # below the guard prices' room, or the order floor
        return CitedQuote(BELOW_GUARD)
    return _checked(candidate, citation, rule.document_above)


def _cited_lines(qf: QuoteFrame, citation: QuoteCitation) -> CitedQuote | None:
    cited = {line.sku: line.unit_price for line in citation.lines}
    prices, limits, matched = [], [], False
    for line in qf.lines:
        rule = _covering(line.frame.rules.competing, citation.competitor) if line.sku in cited else None
        price = line.cap if rule is None else min(line.cap, matched_price(rule, cited[line.sku], qf.currency))
        if price < line.cap:
            if price < line.guard:
                return CitedQuote(BELOW_GUARD)
            matched = True
            if rule is not None and rule.document_above is not None:
                limits.append(rule.document_above)
        prices.append(price)
    if not matched:
        return None
    why = f"matches {citation.competitor}'s line prices"
    candidate = QuoteCandidate(QuoteOfferKind.MATCH, qf.lines, match_quote_message, why, prices=prices)
    if not meets_order_floor(qf, candidate):
        return CitedQuote(BELOW_GUARD)
    return _checked(candidate, citation, min(limits) if limits else None)


def _checked(candidate: QuoteCandidate, citation: QuoteCitation, document_above: Decimal | None) -> CitedQuote:
    if document_above is not None and candidate.total > document_above and not citation.has_document:
        return CitedQuote(NEEDS_DOCUMENT)
    candidate.message = match_quote_message
    return CitedQuote(MATCHED, candidate)


def match_quote_message(candidate: QuoteCandidate) -> str:
    count = len(candidate.lines)
    lines = f"{count} line" if count == 1 else f"{count} lines"
    money = format_money(candidate.total, candidate.lines[0].line.frame.currency)
    return f"We match the offer you cited: {money} for the whole order ({lines}), with the line prices shown."


def _covering(rules: tuple[CompetingOffer, ...], competitor: str) -> CompetingOffer | None:
    return next((rule for rule in rules if rule.covers(competitor)), None)


def _expired(citation: QuoteCitation, today: date) -> bool:
    return citation.valid_until is not None and citation.valid_until < today
