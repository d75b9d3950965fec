"""Appended rows (db/appends.py): audit events, outbox messages and new objects written as
plain INSERTs (one statement on PostgreSQL). They must behave as the ORM objects they
replace: written with the transaction, visible to its later queries, gone with its
rollback, and never written half."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from counteroffer.db import make_engine, make_session_factory, transaction
from counteroffer.db.appends import append_object, append_row, new_object, queued_objects
from counteroffer.db.models import Event, Negotiation, OutboxMessage
from counteroffer.jobs.outbox import add_message
from counteroffer.negotiation.shared.records import record_event

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def pg_factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no round trips to save")
    engine = make_engine(db_url)
    yield make_session_factory(engine)
    engine.dispose()


def negotiation(negotiation_id: str = "n1") -> Negotiation:
    return Negotiation(id=negotiation_id, company_id="acme", buyer_id="ann", sku="DEMO-120",
                       currency="USD", quantity=10, target_unit_price=Decimal("110.00"),
                       status="countered", round=1, created_at=NOW, updated_at=NOW)


def count(factory: sessionmaker[Session], model: type) -> int:
    with transaction(factory) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_an_event_for_a_new_negotiation_is_written_after_it_in_one_commit(factory):
    with transaction(factory) as session:
        row = negotiation()
        session.add(row)
        record_event(session, row, None, "requested", None, NOW, quantity=10)
        record_event(session, row, None, "assigned", "countered", NOW, route="pool")
    with transaction(factory) as session:
        events = session.scalars(select(Event).order_by(Event.id)).all()
        assert [(e.negotiation_id, e.action, e.detail) for e in events] == [
            ("n1", "requested", {"quantity": 10}), ("n1", "assigned", {"route": "pool"})]
        assert events[0].at == NOW  # through the column types: aware UTC comes back


def test_rows_appended_with_nothing_else_pending_are_written_at_commit(factory):
    with transaction(factory) as session:
        session.add(negotiation())
    with transaction(factory) as session:
        add_message(session, "negotiation.escalated", "escalated:e1", {"a": 1}, NOW)
        assert not session.new and not session.dirty  # no ORM object to flush
    assert count(factory, OutboxMessage) == 1


def test_a_later_query_in_the_transaction_sees_them_as_it_would_pending_objects(factory):
    with transaction(factory) as session:
        row = negotiation()
        session.add(row)
        record_event(session, row, None, "requested", None, NOW)
        assert session.scalars(select(Event.action)).all() == ["requested"]
        add_message(session, "deal.created", "deal.created:d1", {}, NOW)
        with session.no_autoflush:  # as with objects, nothing goes out early here
            assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_a_rollback_forgets_what_was_appended(factory):
    with factory() as session:  # one session for both transactions, as a host's may be
        session.add(negotiation())
        add_message(session, "deal.created", "deal.created:d1", {}, NOW)
        session.rollback()  # nothing had reached the database yet
        session.add(negotiation("n2"))
        session.commit()
    assert (count(factory, OutboxMessage), count(factory, Negotiation)) == (0, 1)


@pytest.mark.parametrize("add", ["orm", "appended"])
def test_a_refused_row_takes_the_whole_transaction_with_it(factory, add):
    """Also when every row is in the one statement (an appended negotiation)."""
    with transaction(factory) as session:
        add_message(session, "deal.created", "deal.created:d1", {}, NOW)
    with pytest.raises(IntegrityError):
        with transaction(factory) as session:
            row = negotiation()
            session.add(row) if add == "orm" else append_object(session, row)
            record_event(session, row, None, "requested", None, NOW)
            add_message(session, "deal.created", "deal.created:d1", {}, NOW)  # the same key
    assert (count(factory, Negotiation), count(factory, Event), count(factory, OutboxMessage)) == (0, 0, 1)


def test_rows_of_one_table_keep_the_order_they_were_appended_in(factory):
    with transaction(factory) as session:
        for n in range(5):
            append_row(session, OutboxMessage.__table__, {
                "topic": "t", "business_key": f"k{4 - n}", "payload": {"n": n}, "created_at": NOW,
                "published_at": None, "handled_at": None})
    with transaction(factory) as session:
        keys = session.scalars(select(OutboxMessage.business_key).order_by(OutboxMessage.id)).all()
    assert keys == ["k4", "k3", "k2", "k1", "k0"]


def statements_of(factory: sessionmaker[Session]) -> list[str]:
    """Every statement the factory's engine sends from now on (first words), in order."""
    sent: list[str] = []
    engine = factory.kw["bind"]
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_: sent.append(" ".join(statement.split()[:3])))
    return sent


def test_an_appended_object_goes_out_with_the_rows_in_one_statement_on_postgresql(factory):
    sent = statements_of(factory)
    with transaction(factory) as session:
        row = negotiation()
        append_object(session, row)
        record_event(session, row, None, "requested", None, NOW, quantity=10)
        add_message(session, "negotiation.escalated", "escalated:e1", {"a": 1}, NOW)
        row.status = "escalated"  # changed before it is written: the change is written
    inserts = [statement for statement in sent if not statement.startswith(("SELECT", "PRAGMA"))]
    postgres = factory.kw["bind"].dialect.name == "postgresql"
    assert len(inserts) == (1 if postgres else 3), inserts
    assert not any("RETURNING" in statement for statement in sent)
    with transaction(factory) as session:
        assert session.get(Negotiation, "n1").status == "escalated"
        assert session.scalars(select(Event.action)).all() == ["requested"]
        assert count(factory, OutboxMessage) == 1


def test_once_written_an_appended_object_is_tracked_as_if_loaded(factory):
    with transaction(factory) as session:
        row = negotiation()
        append_object(session, row)
        assert list(queued_objects(session)) == [row] and row not in session.new
        # A query writes the queue first (as autoflush would) and finds the same object.
        assert session.scalars(select(Negotiation)).one() is row
        assert not list(queued_objects(session))
        row.status = "withdrawn"  # now an ORM UPDATE at commit
        assert row in session.dirty
    with transaction(factory) as session:
        assert session.get(Negotiation, "n1").status == "withdrawn"


def test_an_appended_object_is_filled_with_its_column_defaults(factory):
    with transaction(factory) as session:
        row = Negotiation(id="n1", company_id="acme", buyer_id="ann", sku="DEMO-120", currency="USD",
                          quantity=10, target_unit_price=Decimal("110.00"), status="countered",
                          created_at=NOW, updated_at=NOW)  # no round: default 1
        append_object(session, row)
    assert (row.round, row.buyer_note) == (1, None)  # on the object too: nothing left to load
    with transaction(factory) as session:
        assert session.get(Negotiation, "n1").round == 1


def test_a_rollback_forgets_appended_objects(factory):
    with factory() as session:
        append_object(session, negotiation())
        session.rollback()
        assert not list(queued_objects(session))
        session.commit()
    assert count(factory, Negotiation) == 0


def autocommit_when_written(factory: sessionmaker[Session]) -> list[bool]:
    """For each INSERT from now on: whether it ran as a statement of its own."""
    seen: list[bool] = []

    def listener(connection, _cursor, statement, *_):  # noqa: ANN001, ANN202
        if statement.startswith(("WITH", "INSERT")):
            seen.append(connection.connection.driver_connection.autocommit)
    event.listen(factory.kw["bind"], "before_cursor_execute", listener)
    return seen


@pytest.mark.postgres
def test_a_transaction_that_only_writes_the_queue_is_that_one_statement(pg_factory):
    seen = autocommit_when_written(pg_factory)
    with transaction(pg_factory) as session:
        row = negotiation()
        append_object(session, row)
        record_event(session, row, None, "requested", None, NOW)
    assert seen == [True]  # no BEGIN, no COMMIT: one round trip
    assert (count(pg_factory, Negotiation), count(pg_factory, Event)) == (1, 1)
    with transaction(pg_factory) as session:
        session.scalar(select(func.count()).select_from(Negotiation))  # the transaction is open now
        append_object(session, negotiation("n2"))
        record_event(session, session.get(Negotiation, "n1"), None, "countered", None, NOW)
    assert seen == [True, False, False]  # inside the open transaction, committed with it
    assert (count(pg_factory, Negotiation), count(pg_factory, Event)) == (2, 2)


def test_new_object_is_written_as_the_constructors_object_appended_or_flushed(factory):
    """new_object skips the constructor's set events: its object must still go out whole,
    through the queue and through the ORM's own flush, and change later like any other."""
    columns = {"company_id": "acme", "buyer_id": "ann", "sku": "DEMO-120", "currency": "USD", "quantity": 10,
               "target_unit_price": Decimal("110.00"), "status": "countered", "round": 1,
               "created_at": NOW, "updated_at": NOW}
    with transaction(factory) as session:
        append_object(session, new_object(Negotiation, id="appended", **columns))
        flushed = new_object(Negotiation, id="flushed", **columns)
        session.add(flushed)
        session.flush()
        flushed.status = "accepted"
    with transaction(factory) as session:
        rows = session.scalars(select(Negotiation).order_by(Negotiation.id)).all()
        assert [(r.id, r.status, r.quantity, r.target_unit_price, r.buyer_id) for r in rows] == [
            ("appended", "countered", 10, Decimal("110.00"), "ann"),
            ("flushed", "accepted", 10, Decimal("110.00"), "ann")]


def test_new_object_refuses_what_is_not_a_column():
    with pytest.raises(TypeError, match="no column offers"):
        new_object(Negotiation, id="n1", offers=[])
