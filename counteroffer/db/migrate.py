"""Apply the plugin's Alembic migrations to an engine, from Python or the CLI."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

__all__ = ["alembic_config", "upgrade", "current_revision", "head_revision", "make_revision"]

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "counteroffer_alembic_version"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


#: Any fixed number: PostgreSQL advisory locks are keyed by integers.
_MIGRATION_LOCK = 0x436F756E  # "Coun"


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate; on PostgreSQL several processes may call this at once (gunicorn workers
    starting together): the first migrates, the others wait for it and find nothing to do."""
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def make_revision(engine: Engine, message: str) -> None:
    """Autogenerate a migration from the models (for developers of the plugin)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
