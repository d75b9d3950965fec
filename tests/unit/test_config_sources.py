"""Configuration you can see (docs/configuration.md): COUNTEROFFER_* from the environment
counts when app.config and Counteroffer(...) say nothing, and ``flask counteroffer db``
names the database it works on, password masked, and where that setting came from."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from counteroffer import Counteroffer
from tests.conftest import fresh_pg_schema


def _host(tmp_path: Path, **config: object) -> Flask:
    app = Flask("config-host", instance_path=str(tmp_path / "instance"))
    app.config.update(TESTING=True, SECRET_KEY="s", **config)
    Counteroffer(app)
    return app


def _cli(app: Flask, *args: str):  # noqa: ANN202
    return app.test_cli_runner().invoke(args=["counteroffer", "db", *args])


def _output(result) -> str:  # noqa: ANN001 - click's Result; its output holds stderr too
    return result.output


def test_the_environment_names_the_database_when_the_host_config_does_not(tmp_path, monkeypatch):
    target = tmp_path / "from-env.sqlite3"
    monkeypatch.setenv("COUNTEROFFER_DATABASE_URL", f"sqlite:///{target}")
    app = _host(tmp_path)
    result = _cli(app, "upgrade")
    assert result.exit_code == 0, _output(result)
    assert f"counteroffer database: sqlite:///{target} (from COUNTEROFFER_DATABASE_URL in the environment)" \
        in _output(result)
    assert target.exists() and not (tmp_path / "instance" / "counteroffer.sqlite3").exists()
    with app.app_context():
        app.extensions["counteroffer"].close()


def test_the_host_config_wins_over_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("COUNTEROFFER_DATABASE_URL", f"sqlite:///{tmp_path / 'ignored.sqlite3'}")
    app = _host(tmp_path, COUNTEROFFER_DATABASE_URL=f"sqlite:///{tmp_path / 'host.sqlite3'}")
    assert "(from COUNTEROFFER_DATABASE_URL in app.config)" in _output(_cli(app, "upgrade"))
    assert (tmp_path / "host.sqlite3").exists() and not (tmp_path / "ignored.sqlite3").exists()


def test_with_neither_it_says_so_and_uses_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("COUNTEROFFER_DATABASE_URL", raising=False)
    result = _cli(_host(tmp_path), "current")
    assert result.exit_code == 0, _output(result)
    assert f"sqlite:///{tmp_path / 'instance' / 'counteroffer.sqlite3'} (from the default: " in _output(result)


def test_from_prefixed_env_works_as_the_docs_show(tmp_path, monkeypatch):
    """A host that reads FLASK_* with app.config.from_prefixed_env() (docs/configuration.md)."""
    monkeypatch.setenv("FLASK_COUNTEROFFER_DATABASE_URL", f"sqlite:///{tmp_path / 'prefixed.sqlite3'}")
    monkeypatch.setenv("FLASK_COUNTEROFFER_MAX_ROUNDS", "5")
    app = Flask("prefixed-host", instance_path=str(tmp_path / "instance"))
    app.config.from_prefixed_env()
    Counteroffer(app)
    assert "prefixed.sqlite3 (from COUNTEROFFER_DATABASE_URL in app.config)" in _output(_cli(app, "upgrade"))
    with app.app_context():
        assert app.extensions["counteroffer"].state.settings.policy.max_rounds == 5


def test_environment_values_are_read_as_json_where_they_parse(tmp_path, monkeypatch):
    monkeypatch.setenv("COUNTEROFFER_MAX_ROUNDS", "4")
    monkeypatch.setenv("COUNTEROFFER_FLOOR_GUARD_PCT", "2,6")
    monkeypatch.setenv("COUNTEROFFER_SERVICE_LEVELS", '{"wholesale": {"remind_after_hours": 1}}')
    app = _host(tmp_path, COUNTEROFFER_DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with app.app_context():
        settings = app.extensions["counteroffer"].state.settings
    assert settings.policy.max_rounds == 4
    assert [str(p) for p in settings.policy.floor_guard_pct] == ["2", "6"]
    assert settings.service_levels.by_segment["wholesale"].remind_after.total_seconds() == 3600


@pytest.mark.postgres
def test_a_password_in_the_url_is_masked(tmp_path, monkeypatch):
    with fresh_pg_schema("co_cfg") as url:
        with_password = url.replace("postgres@", "postgres:hunter2@")
        monkeypatch.setenv("COUNTEROFFER_DATABASE_URL", with_password)
        app = _host(tmp_path)
        result = _cli(app, "upgrade")
        assert result.exit_code == 0, _output(result)
        assert "postgresql+psycopg://postgres:***@127.0.0.1:5432/test" in _output(result)
        assert "hunter2" not in _output(result)
        with app.app_context():
            app.extensions["counteroffer"].close()
