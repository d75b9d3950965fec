"""The back office's header links: each person sees the parts they may open, nothing else.

- reps: the approvals inbox, with how many open escalations wait in it;
- managers: the inbox, the rules, the results and the experiments;
- reps who lead others (sales leads): the inbox and the results, which the dashboard
  lets them read;
- pricing managers: the rules, the results and the experiments (no inbox: they decide
  no escalations).

Both back-office blueprints (``negotiation_admin`` and ``rules_admin``) put ``nav_links``
in their templates' context; ``base.html`` draws it. The roles here are the views' own
``@allow`` roles, so a link never leads to a 403 page.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request, url_for

from ..negotiation import Actor, NegotiationError
from ..negotiation.approvals.escalations import count_open
from ..negotiation.quotes.approvals.view import count_open_quotes
from ..negotiation.results.reports import may_read_results
from ..negotiation.shared.states import Role

__all__ = ["NavLink", "nav_links", "SECTIONS"]

_REP, _MANAGER, _PRICING = Role.REP.value, Role.MANAGER.value, Role.PRICING_MANAGER.value

#: key -> (label, endpoint, roles that see the link, endpoints that belong to it).
SECTIONS: dict[str, tuple[str, str, frozenset[str], tuple[str, ...]]] = {
    "inbox": ("Inbox", "negotiation_admin.inbox", frozenset({_REP, _MANAGER}),
              ("negotiation_admin.inbox", "negotiation_admin.detail", "negotiation_admin.decide",
               "negotiation_admin.home")),
    "rules": ("Rules", "rules_admin.rules", frozenset({_MANAGER, _PRICING}), ("rules_admin.",)),
    # Reps only if they lead someone (_may_open asks the results' own rule).
    "results": ("Results", "negotiation_admin.results_dashboard", frozenset({_REP, _MANAGER, _PRICING}),
                ("negotiation_admin.results_dashboard", "negotiation_admin.results_csv",
                 "negotiation_admin.results_told")),
    "experiments": ("Experiments", "negotiation_admin.results_experiments",
                    frozenset({_MANAGER, _PRICING}), ("negotiation_admin.results_experiment",)),
}


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str
    url: str
    current: bool
    waiting: int | None = None  # open escalations, on the inbox link


def nav_links(actor: Actor | None) -> list[NavLink]:
    """The links ``actor`` may follow, in header order; none for a buyer or nobody."""
    if actor is None:
        return []
    endpoint = request.endpoint or ""
    links = []
    for key, (label, target, roles, owned) in SECTIONS.items():
        if actor.role not in roles or not _may_open(key, actor):
            continue
        current = any(endpoint.startswith(prefix) for prefix in owned)
        waiting = _waiting(actor) if key == "inbox" else None
        links.append(NavLink(key, label, url_for(target), current, waiting))
    return links


def _may_open(key: str, actor: Actor) -> bool:
    if key != "results" or actor.role != _REP:
        return True
    try:
        return may_read_results(_deps(), actor)
    except NegotiationError:  # a header never fails the page it sits on
        return False


def _deps() -> Any:
    return current_app.extensions["counteroffer"].deps


def _waiting(actor: Actor) -> int | None:
    deps = _deps()
    try:
        return count_open(deps, actor) + count_open_quotes(deps, actor)  # lines and whole quotes
    except NegotiationError:  # a header never fails the page it sits on
        return None
