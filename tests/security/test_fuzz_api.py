"""Schemathesis over every operation of the OpenAPI document, as a buyer, a rep and a manager:
no 5xx, no answer outside the documented statuses, schemas and media types.

Bounded: a few examples per operation and mode (``FUZZ_EXAMPLES``, 8 unless told), on
SQLite with the world of tests/security/world.py, so ids sometimes name real objects.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.approvals import ANN, MAX, RITA
from tests.conftest import FrozenClock, make_app
from tests.security.world import World, build_world
from tests.seed import seed_scenario

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, schemathesis.checks.status_code_conformance,
          schemathesis.checks.content_type_conformance,
          schemathesis.checks.response_schema_conformance]


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[World]:
    tmp_path = tmp_path_factory.mktemp("fuzz")
    database = tmp_path / "fuzz.sqlite3"
    database.write_bytes(sqlite_template.read_bytes())
    # Without rate limits and request caps: they would answer 429 to most examples, and
    # their own tests (tests/security by part B) prove them.
    app = make_app(f"sqlite:///{database}", FrozenClock(), tmp_path, SECRET_KEY="fuzz",
                   COUNTEROFFER_RATE_LIMIT_PER_USER=0, COUNTEROFFER_RATE_LIMIT_PER_COMPANY=0,
                   COUNTEROFFER_REQUEST_CAP=0)
    with app.app_context():
        seed_scenario(app.extensions["counteroffer"])
    yield build_world(app)
    with app.app_context():
        app.extensions["counteroffer"].close()


def real_ids(world: World) -> dict[str, object]:
    """Path parameters naming Ann's objects, so examples also reach the success paths."""
    return {"negotiation_id": world.ids["escalated_negotiation"][1], "offer_id": world.ids["offer"][1],
            "token": world.ids["deal"][1], "escalation_id": world.ids["escalation"][1],
            "sku": "DEMO-120", "rule_id": 1, "ref": "live"}


def operations(app: Flask) -> list:  # noqa: ANN201
    schema = schemathesis.openapi.from_wsgi("/negotiate/api/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("caller", [ANN, RITA, MAX], ids=lambda actor: actor.role)
def test_no_operation_answers_5xx_or_outside_its_contract(fuzz_world: World, caller, mode) -> None:
    app = fuzz_world.app
    app.config["TEST_ACTOR"] = caller
    found, fuzzed = operations(app), []
    assert len(found) >= 31
    for operation in found:
        if mode is GenerationMode.NEGATIVE and not (len(operation.body) or len(operation.query)):
            continue  # only an id in the path: nothing invalid to send (an id is any text)
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(mode))
        def fuzz(case) -> None:  # noqa: ANN001
            case.validate_response(case.call(), checks=CHECKS)

        try:
            fuzz()
        except Unsatisfiable:
            # An integer id in the path has invalid values, but the URL map answers 404 for
            # them before the app; some bodies have no invalid value schemathesis can build.
            assert mode is GenerationMode.NEGATIVE, operation.label
            continue
        fuzzed.append(operation.label)
    # Every operation with a body or a query string has invalid inputs to try.
    assert mode is GenerationMode.POSITIVE and len(fuzzed) == len(found) or len(fuzzed) >= 9, fuzzed


@pytest.mark.parametrize("caller", [ANN, RITA, MAX], ids=lambda actor: actor.role)
def test_valid_inputs_on_real_objects_stay_within_the_contract(fuzz_world: World, caller) -> None:
    app, ids = fuzz_world.app, real_ids(fuzz_world)
    app.config["TEST_ACTOR"] = caller
    for operation in operations(app):
        names = {parameter.name for parameter in operation.path_parameters}
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(path_parameters={n: ids[n] for n in names if n in ids}))
        def fuzz(case) -> None:  # noqa: ANN001
            case.validate_response(case.call(), checks=CHECKS)

        fuzz()

