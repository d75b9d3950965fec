"""``flask counteroffer ...``: database migrations, CSV imports and housekeeping."""
from __future__ import annotations

from pathlib import Path
from typing import NoReturn, TypeVar

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import make_url

from ...adapters.csv_import import (
    COSTS,
    CUSTOMERS,
    PRODUCTS,
    CsvFormat,
    CsvImportError,
    RowError,
    parse_rows,
    read_rows,
)
from ...adapters.rule_csv import RULE_LINES
from ...db.migrate import current_revision, head_revision
from ...negotiation import Actor, expire_lapsed, expire_lapsed_quotes, purge_documents
from ...negotiation.pricing import setup
from ...negotiation.pricing.rule_checks import find_duplicate_rules
from ...negotiation.pricing.rule_import import export_rule_lines, import_rule_lines
from ...negotiation.results.reports import rebuild_results

__all__ = ["counteroffer_cli"]

counteroffer_cli = AppGroup("counteroffer", help="Counteroffer price negotiation.")
db_cli = AppGroup("db", help="The plugin's database tables.")
counteroffer_cli.add_command(db_cli)
import_cli = AppGroup("import", help="Load the plugin's own catalog, costs or customers from a "
                      "CSV file: every row is checked first, and nothing is written unless all are good.")
counteroffer_cli.add_command(import_cli)
documents_cli = AppGroup("documents", help="Buyers' documents (competitors' quotes cited with a request).")
counteroffer_cli.add_command(documents_cli)
T = TypeVar("T")
CSV_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _extension():  # noqa: ANN202 - the extension type would import the web layer
    return current_app.extensions["counteroffer"]


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the plugin's tables to the newest version."""
    extension = _extension()
    click.echo(_which_database(), err=True)  # before migrating: a wrong database shows at once
    extension.upgrade_database()
    click.echo(f"counteroffer database at revision {current_revision(extension.state.engine)}")


@db_cli.command("current")
def db_current() -> None:
    """Show the database, the applied and the newest migration."""
    click.echo(_which_database())
    engine = _extension().state.engine
    click.echo(f"applied: {current_revision(engine)}  newest: {head_revision()}")


def _which_database() -> str:
    """The database URL, its password masked, and where the setting came from."""
    settings = _extension().state.settings
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    source = settings.database_source
    where = {"config": "COUNTEROFFER_DATABASE_URL in app.config",
             "option": "database_url= given to Counteroffer(...)",
             "environment": "COUNTEROFFER_DATABASE_URL in the environment",
             "default": "the default: no COUNTEROFFER_DATABASE_URL in app.config or the environment, "
                        "so SQLite in the instance folder"}[source]
    return f"counteroffer database: {shown} (from {where})"


@counteroffer_cli.command("expire")
def expire() -> None:
    """Mark offers past their time as expired (the worker does this on a schedule)."""
    deps = _extension().deps
    click.echo(f"expired {expire_lapsed(deps)} offer(s), {expire_lapsed_quotes(deps)} quote offer(s)")


@counteroffer_cli.command("sla")
def sla() -> None:
    """Send due escalation reminders and move overdue escalations to managers now
    (the worker does this every minute)."""
    result = _extension().sweep_escalations()
    click.echo(f"reminded {result.reminded}, moved {result.escalated} to a manager")


@documents_cli.command("purge")
def documents_purge() -> None:
    """Delete the files of cited documents whose negotiation or quote closed more than
    COUNTEROFFER_DOCUMENT_RETENTION_DAYS ago, and uploads never cited after a day (the
    worker does this every minute)."""
    state = _extension().state
    result = purge_documents(state.deps, state.settings.document_retention)
    closed = f"closed over {state.settings.document_retention.days} day(s) ago"
    click.echo(f"deleted {result.documents} document(s) of {len(result.negotiations)} negotiation(s) {closed}, "
               f"{result.quote_documents} document(s) of {len(result.quotes)} quote(s) {closed}, "
               f"and {result.uncited} upload(s) never cited")
    for negotiation_id in result.negotiations:
        click.echo(f"  negotiation {negotiation_id}")
    for quote_id in result.quotes:
        click.echo(f"  quote {quote_id}")


@counteroffer_cli.command("results-rebuild")
def results_rebuild() -> None:
    """Recompute the results roll-ups from the result facts (a repair: the use cases keep
    them up to date as they go; see docs/results.md)."""
    click.echo(f"rebuilt the results roll-ups from {rebuild_results(_extension().deps):,} negotiation(s)")


@counteroffer_cli.command("worker")
@click.option("--burst", is_flag=True, help="Relay and run what is waiting, then exit.")
def worker(burst: bool) -> None:
    """Run an rq worker with its scheduler and the outbox relay."""
    from ...jobs.heartbeat import worker_name
    from .worker import run_worker

    # Said plainly, so whoever reads the log (make demo's, say) sees the worker is up.
    click.echo(f"counteroffer worker {worker_name()} started{' (burst)' if burst else ''}", err=True)
    run_worker(current_app._get_current_object(), _extension(), burst=burst)  # type: ignore[attr-defined]


@import_cli.command("products")
@click.argument("file", type=CSV_FILE)
def import_products(file: Path) -> None:
    """Columns sku,name,currency,list_price,cost[,category,order_multiple]; adds or updates by SKU."""
    count = _extension().save_products(_checked_rows(file, PRODUCTS))
    click.echo(f"imported {count} product(s) from {file.name}")


@import_cli.command("costs")
@click.argument("file", type=CSV_FILE)
def import_costs(file: Path) -> None:
    """Columns sku,cost; every SKU must already be in the catalog."""
    lines = _checked_rows(file, COSTS)
    unknown = setup.update_costs(_extension().deps, {line.sku: line.cost for line in lines})
    if unknown:
        _refuse([RowError(line.line, f"no product with sku {line.sku!r}")
                 for line in lines if line.sku in unknown])
    click.echo(f"updated the cost of {len(lines)} product(s) from {file.name}")


@import_cli.command("customers")
@click.argument("file", type=CSV_FILE)
def import_customers(file: Path) -> None:
    """Columns company_id,name[,segment]; adds or updates by company_id."""
    count = _extension().save_customers(_checked_rows(file, CUSTOMERS))
    click.echo(f"imported {count} customer(s) from {file.name}")


def _checked_rows(file: Path, fmt: CsvFormat[T]) -> list[T]:
    try:
        with file.open(newline="", encoding="utf-8-sig") as stream:
            rows = read_rows(stream, fmt)
        with click.progressbar(rows, label=f"Checking {len(rows)} {fmt.name}") as progress:
            return parse_rows(progress, fmt)
    except CsvImportError as error:
        _refuse(error.errors)


def _refuse(errors: list[RowError]) -> NoReturn:
    for error in errors:
        click.echo(str(error), err=True)
    raise click.ClickException(f"{len(errors)} bad row(s); nothing was imported.")


rules_cli = AppGroup("rules", help="The pricing manager's floors and price breaks, as CSV "
                     "(sku,min_margin_pct,min_unit_price,breaks; see docs/admin.md).")
counteroffer_cli.add_command(rules_cli)
#: Who the command line acts as, in the audit of versions (a pricing manager).
CLI_ACTOR = Actor(id="command-line", role="pricing_manager", name="flask counteroffer rules")


@rules_cli.command("import")
@click.argument("file", type=CSV_FILE)
def import_rules(file: Path) -> None:
    """Write every SKU's floor and breaks into the draft; nothing unless every line is good."""
    lines = _checked_rows(file, RULE_LINES)
    try:
        with click.progressbar(length=len(lines), label=f"Checking {len(lines)} SKU(s) against the catalog") as bar:
            count = import_rule_lines(_extension().deps, CLI_ACTOR, lines, tick=bar.update)
    except CsvImportError as error:
        _refuse(error.errors)
    click.echo(f"imported the floors and breaks of {count} SKU(s) into the draft; "
               "review and publish it in the back office")


@rules_cli.command("export")
@click.option("--version", "ref", default="live", show_default=True, help="draft, live or a version number")
def export_rules(ref: str) -> None:
    """Print a version's SKU floors and breaks as CSV (the import's format)."""
    click.echo(export_rule_lines(_extension().deps, CLI_ACTOR, ref), nl=False)



@rules_cli.command("check")
def check_rules() -> None:
    """Report rules stored twice for one kind, scope and priority (before every way in
    checked it); exits 1 if there are any. Delete all but one in the editor."""
    found = find_duplicate_rules(_extension().deps)
    for group in found:
        scope = ", ".join(f"{name} {value}" for name, value in (
            ("sku", group.sku), ("category", group.category), ("segment", group.segment)) if value)
        ids = ", ".join(f"#{rule_id}" for rule_id in group.rule_ids)
        click.echo(f"version {group.version}: {group.kind} rules {ids} share one scope "
                   f"({scope or 'all products'}, priority {group.priority})")
    if found:
        raise click.ClickException(f"{len(found)} scope(s) hold more than one rule; the engine reads "
                                   "only one of each. Keep one (the newest has the highest #).")
    click.echo("one rule per kind, scope and priority in every version")
