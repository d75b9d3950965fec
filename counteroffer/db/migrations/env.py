"""Alembic environment for the plugin's own tables.

It is driven from Python (``counteroffer.db.migrate``), which hands over a connection
in ``config.attributes["connection"]``; the plugin keeps its own version table so it
can share a database with the host's Alembic history.
"""
from __future__ import annotations

from alembic import context

from counteroffer.db.models import metadata

VERSION_TABLE = "counteroffer_alembic_version"


def _include_name(name: str | None, type_: str, _parent: object) -> bool:
    # Only our tables: a shared database holds the host's tables too.
    if type_ == "table":
        return bool(name) and name.startswith("counteroffer_")
    return True


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        include_name=_include_name,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
