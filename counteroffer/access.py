"""Who may call each route: every view the plugin registers declares it, deny by default.

    @api.post("/api/requests")
    @allow(BUYER)
    def create_request(): ...

``allow(*roles)`` both records the roles on the view (``declared_roles`` reads them, so a
test can walk ``app.url_map`` and fail on any route without a declaration) and enforces
them before the view runs: nobody logged in is 401, a role not listed is 403. ``public``
declares a view open to anyone, on purpose. A blueprint's static files are declared
public with ``public_static(blueprint)``.

It sits beside ``plugin`` and ``admin`` (both use it, and neither may import the other).
The use cases still check ownership (a buyer sees only their company's objects): the
declaration is the first gate, not the only one.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Blueprint, Flask, current_app

from .negotiation import Actor, ForbiddenError, UnauthenticatedError
from .negotiation.shared.states import Role

__all__ = ["BUYER", "REP", "MANAGER", "STAFF", "ANY_USER", "PUBLIC", "allow", "public",
           "public_static", "declared_roles", "current_actor", "require_role"]

View = TypeVar("View", bound=Callable[..., Any])

BUYER, REP, MANAGER = Role.BUYER.value, Role.REP.value, Role.MANAGER.value
#: The seller's people: who may see escalations and the back office.
STAFF = (REP, MANAGER)
#: Anyone the host's login says is a user (``system`` is the plugin itself, never a caller).
ANY_USER = tuple(role.value for role in Role if role is not Role.SYSTEM)
#: The declaration of a public view (anyone, logged in or not).
PUBLIC: frozenset[str] = frozenset({"*"})

_ATTRIBUTE = "counteroffer_roles"
# Blueprint name -> True: its ``<name>.static`` endpoint is public. Static endpoints are
# bound methods of Flask's Blueprint, so they cannot carry the attribute themselves.
_PUBLIC_STATIC: set[str] = set()


def allow(*roles: str) -> Callable[[View], View]:
    """Only callers whose ``Actor.role`` is one of ``roles`` reach the view."""
    allowed = frozenset(Role(role).value for role in roles)  # a typo fails at import
    if not allowed:
        raise ValueError("allow() needs at least one role; use @public for open views")

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            require_role(allowed)
            return view(*args, **kwargs)

        setattr(guarded, _ATTRIBUTE, allowed)
        return guarded  # type: ignore[return-value]

    return decorate


def public(view: View) -> View:
    """Declares, on purpose, that anyone may call ``view`` (documents, assets)."""
    setattr(view, _ATTRIBUTE, PUBLIC)
    return view


def public_static(blueprint: Blueprint) -> Blueprint:
    """The blueprint's static files (stylesheets, scripts) are public."""
    _PUBLIC_STATIC.add(blueprint.name)
    return blueprint


def declared_roles(app: Flask, endpoint: str) -> frozenset[str] | None:
    """The roles declared for ``endpoint``, ``PUBLIC``, or ``None`` if it declares nothing."""
    blueprint, _, name = endpoint.rpartition(".")
    if name == "static" and blueprint in _PUBLIC_STATIC:
        return PUBLIC
    return getattr(app.view_functions.get(endpoint), _ATTRIBUTE, None)


def current_actor() -> Actor | None:
    return current_app.extensions["counteroffer"].current_actor()


def require_role(allowed: Iterable[str]) -> Actor:
    """The caller, if their role is allowed: 401 for nobody, 403 for another role."""
    actor = current_actor()
    if actor is None:
        raise UnauthenticatedError("Log in to the shop first.")
    if actor.role not in allowed:
        raise ForbiddenError(f"This is for {_people(allowed)} only.")
    return actor


_PEOPLE = {BUYER: "buyers", REP: "sales reps", MANAGER: "managers"}


def _people(roles: Iterable[str]) -> str:
    names = sorted(_PEOPLE.get(role, role.replace("_", " ") + "s") for role in roles)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
