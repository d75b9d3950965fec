"""The pricing managers' JSON API, for scripts: rules of the draft (CRUD), versions,
publish, rollback, diff, and what-if simulations. Under ``<prefix>/api/rules``; only
``manager`` and ``pricing_manager`` callers (401 for nobody, 403 for anyone else).
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from ...access import allow, current_actor
from ...negotiation import Actor
from ...negotiation.pricing import rulesets as uc
from ...negotiation.pricing import simulation as sim
from ...negotiation.pricing.rule_diff import diff_versions
from ...negotiation.shared.errors import ConflictError
from ...negotiation.shared.states import Role
from ..errors import install_error_handlers
from ..json_body import load_body
from .rules_schemas import (
    DiffQuerySchema,
    NoteSchema,
    RuleInputSchema,
    RuleOutputSchema,
    RuleQuerySchema,
    SimulationInputSchema,
    SimulationOutputSchema,
    VersionOutputSchema,
    diff_payload,
)

__all__ = ["rules_api", "PRICING"]

rules_api = Blueprint("negotiation_rules", __name__)
install_error_handlers(rules_api)
PRICING = (Role.MANAGER.value, Role.PRICING_MANAGER.value)

_rule_in, _rule_out, _rules_out = RuleInputSchema(), RuleOutputSchema(), RuleOutputSchema(many=True)
_query, _note, _diff_query = RuleQuerySchema(), NoteSchema(), DiffQuerySchema()
_version, _versions = VersionOutputSchema(), VersionOutputSchema(many=True)
_simulate, _simulation = SimulationInputSchema(), SimulationOutputSchema()


def _deps() -> Any:
    return current_app.extensions["counteroffer"].deps


def _actor() -> Actor:
    actor = current_actor()
    assert actor is not None  # @allow let only pricing managers through
    return actor


@rules_api.get("/api/rules")
@allow(*PRICING)
def list_rules() -> Response:
    query = _query.load(request.args.to_dict())
    where = uc.RuleFilter(**{k: query.get(k) for k in ("sku", "category", "kind", "segment")})
    page = uc.list_rules(_deps(), _actor(), query["version"], where, query["page"], query["per_page"])
    return jsonify({"version": query["version"], "total": page.total, "page": page.page,
                    "per_page": page.per_page, "items": _rules_out.dump(page.items)})


@rules_api.post("/api/rules")
@allow(*PRICING)
def create_rule() -> tuple[Response, int]:
    return jsonify(_rule_out.dump(uc.create_rule(_deps(), _actor(), load_body(_rule_in)))), 201


@rules_api.get("/api/rules/<int:rule_id>")
@allow(*PRICING)
def show_rule(rule_id: int) -> Response:
    return jsonify(_rule_out.dump(uc.get_rule(_deps(), _actor(), rule_id)))


@rules_api.put("/api/rules/<int:rule_id>")
@allow(*PRICING)
def update_rule(rule_id: int) -> Response:
    return jsonify(_rule_out.dump(uc.update_rule(_deps(), _actor(), rule_id, load_body(_rule_in))))


@rules_api.delete("/api/rules/<int:rule_id>")
@allow(*PRICING)
def delete_rule(rule_id: int) -> tuple[str, int]:
    uc.delete_rule(_deps(), _actor(), rule_id)
    return "", 204


@rules_api.get("/api/rules/versions")
@allow(*PRICING)
def list_versions() -> Response:
    return jsonify(_versions.dump(uc.list_versions(_deps(), _actor())))


@rules_api.get("/api/rules/versions/<ref>")
@allow(*PRICING)
def show_version(ref: str) -> Response:
    return jsonify(_version.dump(uc.get_version(_deps(), _actor(), ref)))


@rules_api.post("/api/rules/draft")
@allow(*PRICING)
def open_draft() -> tuple[Response, int]:
    load_body(_note)
    return jsonify(_version.dump(uc.open_draft(_deps(), _actor()))), 201


@rules_api.delete("/api/rules/draft")
@allow(*PRICING)
def discard_draft() -> tuple[str, int]:
    uc.discard_draft(_deps(), _actor())
    return "", 204


@rules_api.post("/api/rules/publish")
@allow(*PRICING)
def publish() -> tuple[Response, int]:
    note = load_body(_note).get("note")
    return jsonify(_version.dump(uc.publish(_deps(), _actor(), note))), 201


@rules_api.post("/api/rules/versions/<ref>/rollback")
@allow(*PRICING)
def rollback(ref: str) -> tuple[Response, int]:
    note = load_body(_note).get("note")
    return jsonify(_version.dump(uc.rollback(_deps(), _actor(), ref, note))), 201


@rules_api.get("/api/rules/diff")
@allow(*PRICING)
def diff() -> Response:
    query = _diff_query.load(request.args.to_dict())
    return jsonify(diff_payload(diff_versions(_deps(), _actor(), query["from_"], query["to"])))


@rules_api.post("/api/rules/simulations")
@allow(*PRICING)
def start_simulation() -> tuple[Response, int]:
    data = load_body(_simulate)
    asked = data.get("requests")
    if asked is None and "days" not in data:
        data["days"] = 30
    view = sim.start_simulation(_deps(), _actor(), days=data.get("days"), requests=asked)
    return jsonify(_simulation.dump(view)), 202


@rules_api.get("/api/rules/simulations/<simulation_id>")
@allow(*PRICING)
def show_simulation(simulation_id: str) -> Response:
    return jsonify(_simulation.dump(sim.get_simulation(_deps(), _actor(), simulation_id)))


@rules_api.post("/api/rules/simulations/<simulation_id>/cancel")
@allow(*PRICING)
def cancel_simulation(simulation_id: str) -> Response:
    load_body(_note)
    return jsonify(_simulation.dump(sim.cancel_simulation(_deps(), _actor(), simulation_id)))


@rules_api.get("/api/rules/simulations/<simulation_id>/result")
@allow(*PRICING)
def simulation_result(simulation_id: str) -> Response:
    view = sim.get_simulation(_deps(), _actor(), simulation_id)
    if view.status != "done":
        raise ConflictError(f"The simulation is {view.status}; its result comes when it is done.")
    return jsonify({"id": view.id, **(view.result or {})})
