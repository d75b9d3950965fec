"""The Flask extension behaves like Flask-SQLAlchemy: init_app, factories, several apps."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from counteroffer import Actor, Counteroffer
from counteroffer.db.migrate import current_revision, head_revision


def host(tmp_path: Path, name: str = "host", **config: object) -> Flask:
    app = Flask(name, instance_path=str(tmp_path / name))
    app.config.update(config)
    return app


def test_registers_itself_and_refuses_a_second_registration(tmp_path):
    app = host(tmp_path)
    extension = Counteroffer(app)
    assert app.extensions["counteroffer"] is extension
    with pytest.raises(RuntimeError, match="already been registered"):
        Counteroffer(app)
    with pytest.raises(RuntimeError, match="already been registered"):
        extension.init_app(app)


def test_never_stores_the_app(tmp_path):
    extension = Counteroffer(host(tmp_path))
    assert not any(isinstance(value, Flask) for value in vars(extension).values())


def test_one_extension_serves_two_apps_with_their_own_settings(tmp_path):
    extension = Counteroffer()
    first, second = host(tmp_path, "one"), host(tmp_path, "two", COUNTEROFFER_URL_PREFIX="/haggle")
    extension.init_app(first)
    extension.init_app(second)
    with first.app_context():
        assert extension.state.settings.url_prefix == "/negotiate"
        assert extension.state.settings.database_url.endswith("one/counteroffer.sqlite3")
    with second.app_context():
        assert extension.state.settings.url_prefix == "/haggle"
        assert extension.state.settings.database_url.endswith("two/counteroffer.sqlite3")
    assert "/haggle/api/requests" in {rule.rule for rule in second.url_map.iter_rules()}


def test_defaults_are_set_with_setdefault_and_the_host_value_wins(tmp_path):
    app = host(tmp_path, COUNTEROFFER_OFFER_VALIDITY_HOURS=24)
    Counteroffer(app, offer_validity_hours=12, max_rounds=5)
    assert app.config["COUNTEROFFER_OFFER_VALIDITY_HOURS"] == 24  # the host's config wins
    assert app.config["COUNTEROFFER_MAX_ROUNDS"] == 5  # then the constructor option
    assert app.config["COUNTEROFFER_URL_PREFIX"] == "/negotiate"  # then the default
    assert app.config["COUNTEROFFER_REDIS_URL"] is None  # embedded Redis


@pytest.mark.parametrize("options, message", [
    ({"bogus": 1}, "unknown Counteroffer option"),
    ({"currency": "XXX"}, "not a currency"),
    ({"max_rounds": 0}, "at least 1"),
])
def test_bad_settings_fail_at_init(tmp_path, options, message):
    with pytest.raises((TypeError, ValueError), match=message):
        Counteroffer(host(tmp_path), **options)


def test_using_it_on_an_app_it_was_not_given_says_so(tmp_path):
    extension = Counteroffer()
    app = host(tmp_path)
    with app.app_context(), pytest.raises(RuntimeError, match="forget to call 'init_app'"):
        _ = extension.state


def test_app_factory_pattern(tmp_path):
    extension = Counteroffer()

    def create_app(name: str) -> Flask:
        app = host(tmp_path, name)
        extension.init_app(app)
        return app

    apps = [create_app("a"), create_app("b")]
    assert all(app.extensions["counteroffer"] is extension for app in apps)


def test_default_database_is_sqlite_in_wal_mode_in_the_instance_folder(tmp_path):
    app = host(tmp_path)
    extension = Counteroffer(app)
    with app.app_context():
        extension.upgrade_database()
        with extension.state.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        extension.close()
    assert (tmp_path / "host" / "counteroffer.sqlite3").exists()


def test_cli_db_upgrade_migrates_to_the_newest_revision(tmp_path):
    app = host(tmp_path)
    extension = Counteroffer(app)
    result = app.test_cli_runner().invoke(args=["counteroffer", "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"revision {head_revision()}" in result.output
    with app.app_context():
        assert current_revision(extension.state.engine) == head_revision()
        extension.close()


def test_user_loader_is_a_decorator_that_returns_the_function(tmp_path):
    extension = Counteroffer(host(tmp_path))

    def loader() -> Actor:
        return Actor(id="x", role="rep")

    assert extension.user_loader(loader) is loader


def test_an_actor_must_have_a_known_role_and_a_buyer_a_company():
    with pytest.raises(ValueError):
        Actor(id="x", role="admin")
    with pytest.raises(ValueError, match="company_id"):
        Actor(id="x", role="buyer")


@pytest.mark.postgres
def test_two_processes_migrating_an_empty_postgres_schema_at_once_both_succeed(tmp_path):
    import subprocess
    import sys

    from counteroffer.db import make_engine
    from tests.conftest import fresh_pg_schema

    script = ("import sys; from counteroffer.db import make_engine, upgrade; "
              "upgrade(make_engine(sys.argv[1]))")
    with fresh_pg_schema("co_mig") as url:
        runs = [subprocess.Popen([sys.executable, "-c", script, url]) for _ in range(3)]
        assert [run.wait(timeout=120) for run in runs] == [0, 0, 0]
        engine = make_engine(url)
        assert current_revision(engine) == head_revision()
        engine.dispose()


def test_closing_stops_the_embedded_redis_even_with_other_connections_open(tmp_path):
    from counteroffer.jobs.connection import RedisProvider, is_running

    provider = RedisProvider(None, str(tmp_path / "redis.db"))
    client = provider.client()
    pid = client.pid
    other = client.connection_pool.get_connection()  # rq holds connections like this
    try:
        assert is_running(pid)
        provider.close()
        assert not is_running(pid)
    finally:
        client.connection_pool.release(other)
