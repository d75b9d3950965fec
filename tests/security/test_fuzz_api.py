"""Schemathesis holds the server to its OpenAPI document: every operation, as a buyer, a
rep and a manager, on SQLite and PostgreSQL, with every check schemathesis has and
every phase (examples, coverage with its undocumented methods such as TRACE, fuzzing
with valid and invalid data, stateful sequences), and no failure allowed: no 5xx, no
status, header, media type or body outside the document, no invalid input accepted, no
valid input refused.

One check is sharpened, not loosened: schemathesis' own ``positive_data_acceptance``
lets a 422 through here, and ``refusals_are_declared`` then fails it unless every field
the 422 names is one of the operation's ``x-refusals`` (the rules JSON Schema cannot
state: across fields, or against stored data such as a product's currency).

Each role runs twice: with ids drawn by schemathesis (and found by its stateful phase),
and with ids of real objects of the world of tests/security/world.py most of the time,
so that success paths answer too. Bounded by ``FUZZ_EXAMPLES`` examples per operation
and phase (12 by default; about 25 s per database here); raise it for a longer hunt.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

from tests.approvals import ANN, MAX, RITA
from tests.conftest import FrozenClock, make_app
from tests.security.world import World, build_world
from tests.seed import seed_scenario

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
DOCUMENT = "/negotiate/api/openapi.json"
#: Every check schemathesis has for OpenAPI (a new one fails the last assertion below,
#: so that it is looked at, not silently skipped).
BUILT_IN_CHECKS = {"not_a_server_error", "status_code_conformance", "content_type_conformance",
                   "response_headers_conformance", "response_schema_conformance",
                   "positive_data_acceptance", "negative_data_rejection", "missing_required_header",
                   "unsupported_method", "allow_header_conformance", "use_after_free",
                   "ensure_resource_availability", "ignored_auth", "object_level_authorization"}
#: schemathesis' default for valid data, and 422: ``refusals_are_declared`` judges those.
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]


@schemathesis.check
def refusals_are_declared(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 422 to input the document calls valid is one the operation states: each field it
    names, with each message, is one of its ``x-refusals``."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    refusals = case.operation.definition.raw.get("x-refusals", [])
    named = response.json()["error"]["fields"]
    if not named or not all(_declared(refusals, key, messages) for key, messages in named.items()):
        raise AssertionError(f"422 to valid input for a reason the document does not state: "
                             f"{response.json()['error']}")
    return None


def _declared(refusals: list[dict[str, Any]], key: str, messages: Any) -> bool:
    field = re.split(r"[.\[]", key)[0]  # a rule's "breaks[0].unit_price" is its "breaks"
    return isinstance(messages, list) and all(
        any(field in refusal["fields"] and re.fullmatch(refusal["message"], str(message))
            for refusal in refusals) for message in messages)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def fuzz_world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp_path = tmp_path_factory.mktemp("fuzz")
    if request.param == "sqlite":
        database = tmp_path / "fuzz.sqlite3"
        database.write_bytes(request.getfixturevalue("sqlite_template").read_bytes())
        url = f"sqlite:///{database}"
    else:
        from tests.conftest import _truncate_all

        url = request.getfixturevalue("pg_schema_url")
        _truncate_all(url)
    # Without rate limits and request caps: they would answer 429 to most examples, and
    # their own tests (tests/guards) prove them.
    app = make_app(url, FrozenClock(), tmp_path, SECRET_KEY="fuzz",
                   COUNTEROFFER_RATE_LIMIT_PER_USER=0, COUNTEROFFER_RATE_LIMIT_PER_COMPANY=0,
                   COUNTEROFFER_REQUEST_CAP=0)
    with app.app_context():
        seed_scenario(app.extensions["counteroffer"])
    yield build_world(app)
    with app.app_context():
        app.extensions["counteroffer"].close()


def real_ids(world: World) -> dict[str, str | int]:
    """Path parameters naming Ann's objects, so examples also reach the success paths."""
    ids = world.ids
    return {"negotiation_id": ids["escalated_negotiation"][1], "offer_id": ids["offer"][1],
            "token": ids["deal"][1], "escalation_id": ids["escalation"][1], "sku": "DEMO-120",
            "rule_id": int(ids["rule"][1]), "ref": "1", "delegation_id": int(ids["delegation"][1]),
            "simulation_id": ids["simulation"][1], "experiment_id": ids["experiment"][1],
            "quote_id": ids["quote"][1], "quote_offer_id": ids["quote_offer"][1], "quote_token": ids["quote_deal"][1]}


def config(real: dict[str, str | int] | None = None) -> SchemathesisConfig:
    settings: dict[str, Any] = {
        "generation": {"max-examples": EXAMPLES, "mode": "all", "deterministic": True},
        "checks": {"enabled": True, "positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES}},
        "phases": {"stateful": {"enabled": real is None, "max-steps": 10}},
        "suppress-health-check": ["all"], "cache": {"enabled": False}, "seed": 24,
    }
    if real:  # real ids (and a real SKU in bodies) 7 times in 10, drawn ones otherwise
        settings["dictionaries"] = {name: {"values": [value]} for name, value in real.items()}
        settings["dictionaries"]["skus"] = {"values": ["DEMO-120", "GLOVE-50"]}
        settings["parameters"] = {f"path.{name}": {"dictionary": name, "probability": 0.7} for name in real}
        settings["parameters"]["body.sku"] = {"dictionary": "skus", "probability": 0.7}
    return SchemathesisConfig.from_dict(settings)


class Run:
    """What one schemathesis run did: every failure and error, the checks, the answers."""

    def __init__(self, app: Flask, settings: SchemathesisConfig) -> None:
        self.failures: list[str] = []
        self.checks: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        schema = schemathesis.openapi.from_wsgi(DOCUMENT, app, config=settings)
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                self._record(event)
            elif isinstance(event, (events.NonFatalError, events.FatalError)):
                # A 500 in a testing app is an exception: schemathesis reports it here.
                self.failures.append(f"error: {str(getattr(event, 'info', event))[:2000]}")

    def _record(self, event: events.ScenarioFinished) -> None:
        for interaction in event.recorder.interactions.values():
            if interaction.response is not None:
                self.statuses[interaction.response.status_code] += 1
        for checks in event.recorder.checks.values():
            for check in checks:
                self.checks[check.name] += 1
                if check.failure_info is not None:
                    info = check.failure_info
                    self.failures.append(f"{event.recorder.label}: {check.name}: {info.failure}\n"
                                         f"{getattr(info, 'code_sample', '')}"[:2000])


@pytest.mark.parametrize("caller", [ANN, RITA, MAX], ids=lambda actor: actor.role)
def test_every_operation_keeps_to_its_document_with_every_check(fuzz_world: World, caller: Any) -> None:
    fuzz_world.app.config["TEST_ACTOR"] = caller
    run = Run(fuzz_world.app, config())
    assert run.failures == []
    assert set(run.checks) >= BUILT_IN_CHECKS | {"refusals_are_declared"}, set(run.checks)
    assert run.statuses[405] >= 30  # TRACE and other undocumented methods, each with Allow
    assert {400, 404, 415, 422} <= set(run.statuses), run.statuses  # invalid data was sent


@pytest.mark.parametrize("caller", [ANN, RITA, MAX], ids=lambda actor: actor.role)
def test_real_objects_keep_to_the_document_too(fuzz_world: World, caller: Any) -> None:
    fuzz_world.app.config["TEST_ACTOR"] = caller
    run = Run(fuzz_world.app, config(real_ids(fuzz_world)))
    assert run.failures == []
    assert sum(count for status, count in run.statuses.items() if status < 300) >= 50, run.statuses


def test_the_checks_are_every_check_schemathesis_has() -> None:
    from schemathesis.config._checks import ChecksConfig

    known = {name for name in ChecksConfig.__dataclass_fields__ if not name.startswith("_")}
    assert known - {"max_response_time"} == BUILT_IN_CHECKS  # max_response_time: a budget, not a rule
