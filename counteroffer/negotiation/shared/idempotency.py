"""Idempotency keys, after Stripe and the IETF draft: a call retried with the same key
and body gets the first answer again instead of doing the work twice.

A call with a key goes in three steps:

1. ``claim_key`` (its own short transaction) finds the key of this caller. Done: the
   stored answer is replayed, or 422 if the body differs. Pending and still leased: 409,
   the first call is in flight. Unknown: a ``pending`` row is written and committed, so a
   second call with the key sees it at once (on PostgreSQL a second insert waits on the
   unique index, then finds the row).
2. The use case does its work and, in ITS transaction, calls ``remember``: the key turns
   ``done`` with the answer, committed with the work or not at all. The update is
   conditional on our claim, so a call whose lease was taken over rolls its work back.
3. If the work fails, ``release_key`` deletes the pending row: nothing was done, so the
   same key may try again (Stripe does not save failures before execution either).

A pending row left by a crashed process (its work rolled back with it) is taken over
once its lease lapses.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...db import transaction
from ...db.guards import IdempotencyKey
from .actors import Actor
from .deps import Deps
from .errors import ConflictError, InvalidRequestError

__all__ = ["Claim", "Replay", "claim_key", "remember", "remembered", "release_key", "scope_of",
           "prune_keys",
           "IdempotencyMismatchError", "KeyInFlightError", "LEASE", "MAX_KEY_LENGTH"]

PENDING, DONE = "pending", "done"
#: How long a first call may run before another call with its key may take over.
LEASE = timedelta(seconds=60)
MAX_KEY_LENGTH = 255

V = TypeVar("V")

#: Turns the use case's view into the answer to store: (HTTP status, JSON body).
Render = Callable[[Any], tuple[int, Any]]


class IdempotencyMismatchError(InvalidRequestError):
    code = "idempotency_key_reused"


class KeyInFlightError(ConflictError):
    code = "idempotency_key_in_flight"


@dataclass(frozen=True)
class Claim:
    """This call holds the key: the use case passes it to ``remember``."""

    key_id: int
    token: str
    render: Render


@dataclass(frozen=True)
class Replay:
    """The key was used before with the same request: answer this again."""

    status: int
    body: Any


def scope_of(actor: Actor) -> str:
    """Keys are per caller (role, company and user): nobody sees another's replay."""
    return f"{actor.role}:{actor.company_id or ''}:{actor.id}"


def claim_key(deps: Deps, scope: str, key: str, fingerprint: str, render: Render) -> Claim | Replay:
    for _attempt in range(2):
        try:
            with transaction(deps.session_factory) as session:
                return _claim_or_replay(session, scope, key, fingerprint, render, deps.clock())
        except IntegrityError:
            continue  # another call wrote the key between our look and our insert: look again
    raise KeyInFlightError(_IN_FLIGHT)


_IN_FLIGHT = "A request with this Idempotency-Key is still being processed; retry shortly."


def _claim_or_replay(session: Session, scope: str, key: str, fingerprint: str, render: Render,
                     now: datetime) -> Claim | Replay:
    row = session.scalars(select(IdempotencyKey).where(
        IdempotencyKey.scope == scope, IdempotencyKey.key == key)).first()
    if row is None:
        return _new_claim(session, scope, key, fingerprint, render, now)
    if row.fingerprint != fingerprint:
        raise IdempotencyMismatchError(
            "This Idempotency-Key was used for a different request; use a new key.",
            {"Idempotency-Key": ["Used before with another request."]})
    if row.state == DONE:
        return Replay(row.status_code or 200, row.response)
    if row.locked_until > now:
        raise KeyInFlightError(_IN_FLIGHT)
    return _take_over(session, row, render, now)


def _new_claim(session: Session, scope: str, key: str, fingerprint: str, render: Render,
               now: datetime) -> Claim:
    row = IdempotencyKey(scope=scope, key=key, fingerprint=fingerprint, state=PENDING,
                         claim=secrets.token_hex(16), locked_until=now + LEASE, created_at=now)
    session.add(row)
    session.flush()
    return Claim(row.id, row.claim, render)


def _take_over(session: Session, row: IdempotencyKey, render: Render, now: datetime) -> Claim:
    """The first call's lease lapsed without its work committing (it died): go again.
    Conditional on the old claim, so of two callers taking over at once only one wins."""
    token = secrets.token_hex(16)
    taken = session.execute(update(IdempotencyKey).where(
        IdempotencyKey.id == row.id, IdempotencyKey.claim == row.claim,
        IdempotencyKey.state == PENDING).values(claim=token, locked_until=now + LEASE))
    if cast(CursorResult[Any], taken).rowcount != 1:
        raise KeyInFlightError(_IN_FLIGHT)
    return Claim(row.id, token, render)


def remember(session: Session, claim: Claim | None, view: Any, now: datetime) -> None:
    """In the use case's transaction: store the answer with the work, or roll both back."""
    if claim is None:
        return
    status, body = claim.render(view)
    done = session.execute(update(IdempotencyKey).where(
        IdempotencyKey.id == claim.key_id, IdempotencyKey.claim == claim.token,
        IdempotencyKey.state == PENDING).values(
            state=DONE, status_code=status, response=body, completed_at=now))
    if cast(CursorResult[Any], done).rowcount != 1:
        raise KeyInFlightError("This request took too long and was retried by another call "
                               "with the same Idempotency-Key; nothing was changed here.")


def remembered(session: Session, claim: Claim | None, now: datetime, view: V) -> V:
    """``remember`` as an expression: ``return remembered(session, claim, now, view)``."""
    remember(session, claim, view, now)
    return view


def release_key(deps: Deps, claim: Claim) -> None:
    """The work failed and rolled back: free the key so a retry can do it."""
    with transaction(deps.session_factory) as session:
        session.execute(delete(IdempotencyKey).where(
            IdempotencyKey.id == claim.key_id, IdempotencyKey.claim == claim.token,
            IdempotencyKey.state == PENDING))


def prune_keys(deps: Deps, older_than: timedelta = timedelta(hours=24)) -> int:
    """Forget answers older than ``older_than`` (Stripe keeps them at least 24 hours)."""
    with transaction(deps.session_factory) as session:
        gone = session.execute(delete(IdempotencyKey).where(
            IdempotencyKey.created_at < deps.clock() - older_than))
        return int(cast(CursorResult[Any], gone).rowcount or 0)
