"""A synthetic history of answered offers, written straight into the tables the buyer
response model reads (negotiation, offer, result fact), for the forecast's tests.

The buyers take an offer with a known chance by discount depth, so a test can check the
forecast against the truth. Written in bulk: thousands of rounds through the use cases
would take minutes."""
from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from decimal import Decimal

from counteroffer.db import transaction
from counteroffer.db.models import Negotiation, Offer
from counteroffer.db.results import ResultFact

LIST, COST = Decimal("120.00"), Decimal("80.00")


def true_chance(depth_pct: float) -> float:
    """The buyers of the synthetic history: 27% take list price, 73% take 20% off."""
    return 1 / (1 + math.exp(-(-1.0 + 0.1 * depth_pct)))


def seed_answered_rounds(deps, n: int, now: datetime, seed: int = 7, segment: str = "wholesale") -> int:
    """``n`` answered first rounds of DEMO-120 at 0-20% off list, over the 30 days before
    ``now``; returns how many were taken."""
    rng, taken = random.Random(seed), 0
    with transaction(deps.session_factory) as session:
        for i in range(n):
            depth = rng.uniform(0, 20)
            price = (LIST * (1 - Decimal(repr(depth)) / 100)).quantize(Decimal("0.01"))
            accepted = rng.random() < true_chance(depth)
            taken += accepted
            at = now - timedelta(days=30) + timedelta(minutes=i)
            nid = f"syn{seed:04d}{i:08d}"
            session.add(Negotiation(id=nid, company_id="acme", buyer_id="ann@acme", sku="DEMO-120", currency="USD",
                                    quantity=100, target_unit_price=price, status="accepted" if accepted else "expired",
                                    round=1, created_at=at, updated_at=at))
            session.add(Offer(id=f"o{nid}", negotiation_id=nid, round=1, kind="concession", sku="DEMO-120",
                              quantity=100, unit_price=price, currency="USD",
                              status="accepted" if accepted else "expired", expires_at=at + timedelta(days=2),
                              message="", explanation="", created_at=at))
            session.add(ResultFact(negotiation_id=nid, day=at.date(), requested_at=at, company_id="acme",
                                   segment=segment, sku="DEMO-120", currency="USD", asked_quantity=100,
                                   list_price=LIST, cost=COST, offered=True, rule="concession",
                                   dec_accept=0, dec_counter=1, dec_escalate=0, dec_decline=0, dec_approve=0,
                                   dec_rep_counter=0, dec_reject=0, by_person=False))
    return taken
