"""``flask counteroffer ...``: database migrations and housekeeping."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..db.migrate import current_revision, head_revision
from ..negotiation import expire_lapsed

__all__ = ["counteroffer_cli"]

counteroffer_cli = AppGroup("counteroffer", help="Counteroffer price negotiation.")
db_cli = AppGroup("db", help="The plugin's database tables.")
counteroffer_cli.add_command(db_cli)


def _extension():  # noqa: ANN202 - the extension type would import the web layer
    return current_app.extensions["counteroffer"]


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the plugin's tables to the newest version."""
    extension = _extension()
    extension.upgrade_database()
    click.echo(f"counteroffer database at revision {current_revision(extension.state.engine)}")


@db_cli.command("current")
def db_current() -> None:
    """Show the applied and the newest migration."""
    engine = _extension().state.engine
    click.echo(f"applied: {current_revision(engine)}  newest: {head_revision()}")


@counteroffer_cli.command("expire")
def expire() -> None:
    """Mark offers past their time as expired (the worker does this on a schedule)."""
    click.echo(f"expired {expire_lapsed(_extension().deps)} offer(s)")


@counteroffer_cli.command("worker")
@click.option("--burst", is_flag=True, help="Relay and run what is waiting, then exit.")
def worker(burst: bool) -> None:
    """Run an rq worker with its scheduler and the outbox relay."""
    from .worker import run_worker

    run_worker(current_app._get_current_object(), _extension(), burst=burst)  # type: ignore[attr-defined]
