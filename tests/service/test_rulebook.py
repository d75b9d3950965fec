"""The live version and compiled rules per version: compiled once per process, compiled
again only when the version's rules change, and any version can be asked for."""
from __future__ import annotations

import pytest

from counteroffer.db import transaction
from counteroffer.negotiation.pricing import rulesets
from counteroffer.negotiation.pricing.rulebook import compiled_rules_for_version, live_rules
from tests.conftest import MANAGER


def _compiled(deps, version_id):  # noqa: ANN001, ANN202
    with transaction(deps.session_factory) as session:
        return compiled_rules_for_version(session, version_id)


def _live(deps):  # noqa: ANN001, ANN202
    with transaction(deps.session_factory) as session:
        return live_rules(session)


def test_a_version_is_compiled_once_and_again_only_after_its_rules_change(app):
    with app.app_context():
        extension = app.extensions["counteroffer"]
        deps = extension.deps
        live = _live(deps)
        assert live.version_id is not None and _live(deps).rules is live.rules
        assert _compiled(deps, live.version_id) is live.rules
        extension.save_rule("floor", {"min_margin_pct": "30"}, category="safety")  # in place: a new revision
        assert _live(deps).rules is not live.rules
        with pytest.raises(LookupError):
            _compiled(deps, 999)


def test_a_draft_compiles_apart_from_the_live_version(app):
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        draft = rulesets.open_draft(deps, MANAGER)
        rulesets.create_rule(deps, MANAGER, {"kind": "floor", "category": "safety", "params": {"min_margin_pct": "30"}})
        live = _live(deps)
        assert len(list(_compiled(deps, draft.id).rules.all_rules())) == len(list(live.rules.rules.all_rules())) + 1


def test_a_shop_without_rules_has_no_live_version_and_an_empty_set_for_requests_too(db_url, clock, tmp_path):
    from tests.conftest import make_app

    app = make_app(db_url, clock, tmp_path)
    with app.app_context():
        extension = app.extensions["counteroffer"]
        extension.upgrade_database()
        found, for_a_request = _live(extension.deps), _for_buyer(extension.deps)
        extension.close()
    assert found.version_id is None and list(found.rules.rules.all_rules()) == []
    assert for_a_request.version_id is None and list(for_a_request.rules.rules.all_rules()) == []


def _for_buyer(deps):  # noqa: ANN001, ANN202
    from counteroffer.negotiation.results.experiments import rules_for_buyer

    with transaction(deps.session_factory) as session:
        return rules_for_buyer(session, "acme")


def test_a_request_outside_experiments_gets_the_live_version_from_its_one_read(app):
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        live = _live(deps)
        assert _for_buyer(deps) == live  # same version id, the same compiled object
        app.extensions["counteroffer"].save_rule("floor", {"min_margin_pct": "30"}, category="safety")
        assert _for_buyer(deps).rules is _live(deps).rules is not live.rules  # the new revision


