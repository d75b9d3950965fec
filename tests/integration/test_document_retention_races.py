"""The document retention sweep run twice at once, on PostgreSQL only (SQLite ignores
FOR UPDATE, so it cannot show the race): the two share the work, no document is deleted
twice and each negotiation, or whole-cart quote, gets one audit event; one another
transaction holds (an accept or a rep's decision in flight) is skipped, not waited for,
and taken next time."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
from sqlalchemy import func, select

from counteroffer.db import transaction
from counteroffer.db.models import Document, Event, Negotiation
from counteroffer.db.quotes import Quote, QuoteEvent
from counteroffer.negotiation import purge_documents
from counteroffer.negotiation.buying.retention import DOCUMENTS_DELETED
from tests.e2e.test_document_retention import buyer, closed  # noqa: F401 - the fixture
from tests.e2e.test_quote_document_retention import closed as closed_quote
from tests.e2e.test_quote_document_retention import shop  # noqa: F401 - the fixture

MONTH = timedelta(days=30)


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_two_sweeps_at_once_share_the_work_and_delete_each_document_once(app, buyer, clock):  # noqa: F811
    negotiations = {closed(buyer)[0] for _ in range(8)}
    clock.advance(days=31)
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
    barrier = Barrier(2)

    def sweep():  # noqa: ANN202
        barrier.wait()
        return purge_documents(deps, MONTH, batch_size=2)

    for _ in range(3):  # the second and third rounds find nothing left
        with ThreadPoolExecutor(2) as pool:
            first, second = [f.result(timeout=60) for f in [pool.submit(sweep), pool.submit(sweep)]]
        assert not set(first.negotiations) & set(second.negotiations)
        negotiations -= set(first.negotiations) | set(second.negotiations)
    assert negotiations == set()
    with transaction(deps.session_factory) as session:
        assert session.scalar(select(func.count()).select_from(Document).where(Document.data.is_not(None))) == 0
        per_negotiation = session.execute(select(Event.negotiation_id, func.count()).where(
            Event.action == DOCUMENTS_DELETED).group_by(Event.negotiation_id)).all()
    assert len(per_negotiation) == 8 and {count for _, count in per_negotiation} == {1}


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_negotiation_held_by_another_transaction_is_skipped_not_waited_for(app, buyer, clock):  # noqa: F811
    held, held_document = closed(buyer)
    free, _ = closed(buyer)
    clock.advance(days=31)
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
    with transaction(deps.session_factory) as session:
        session.scalar(select(Negotiation).where(Negotiation.id == held).with_for_update())
        started = time.monotonic()
        result = purge_documents(deps, MONTH)
        assert time.monotonic() - started < 5
        assert result.negotiations == (free,)
    assert purge_documents(deps, MONTH).negotiations == (held,)
    with transaction(deps.session_factory) as session:
        assert session.get(Document, held_document).data is None


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_two_sweeps_at_once_over_quotes_delete_each_document_once(app, shop, clock):  # noqa: F811
    quotes = {closed_quote(shop)[0] for _ in range(8)}
    clock.advance(days=31)
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
    barrier = Barrier(2)

    def sweep():  # noqa: ANN202
        barrier.wait()
        return purge_documents(deps, MONTH, batch_size=2)

    for _ in range(3):  # the second and third rounds find nothing left
        with ThreadPoolExecutor(2) as pool:
            first, second = [f.result(timeout=60) for f in [pool.submit(sweep), pool.submit(sweep)]]
        assert not set(first.quotes) & set(second.quotes)
        assert first.quote_documents + second.quote_documents == len(first.quotes) + len(second.quotes)
        quotes -= set(first.quotes) | set(second.quotes)
    assert quotes == set()
    with transaction(deps.session_factory) as session:
        assert session.scalar(select(func.count()).select_from(Document).where(Document.data.is_not(None))) == 0
        per_quote = session.execute(select(QuoteEvent.quote_id, func.count()).where(
            QuoteEvent.action == DOCUMENTS_DELETED).group_by(QuoteEvent.quote_id)).all()
    assert len(per_quote) == 8 and {count for _, count in per_quote} == {1}


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_quote_held_by_another_transaction_is_skipped_not_waited_for(app, shop, clock):  # noqa: F811
    held, held_document = closed_quote(shop)
    free, _ = closed_quote(shop)
    clock.advance(days=31)
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
    with transaction(deps.session_factory) as session:
        session.scalar(select(Quote).where(Quote.id == held).with_for_update())
        started = time.monotonic()
        result = purge_documents(deps, MONTH)
        assert time.monotonic() - started < 5
        assert result.quotes == (free,)
    assert purge_documents(deps, MONTH).quotes == (held,)
    with transaction(deps.session_factory) as session:
        assert session.get(Document, held_document).data is None
