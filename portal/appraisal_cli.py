"""Commands for the appraisal module's operator: API clients, closing periods, evidence.

``flask --app wsgi api-clients create --name NAME [--unit ID]``,
``flask --app wsgi periods close 2026-Q3``,
``flask --app wsgi appraisal export --period 2026-Q3 --format xlsx --out FILE``.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.services import api_clients, appraisal, audit, evidence, score_reads, snapshots
from portal.services.viewer import Viewer
from surveys.errors import SurveyError

api_clients_cli = AppGroup("api-clients", help="Systems allowed to pull scores (/api/v1).")
periods_cli = AppGroup("periods", help="Closing and reopening appraisal periods.")
appraisal_cli = AppGroup("appraisal", help="Appraisal evidence (bukti dukung).")


def _settings() -> appraisal.Settings:
    return appraisal.Settings(thresholds=current_app.config["APPRAISAL_THRESHOLDS"])


@api_clients_cli.command("create")
@click.option("--name", required=True, help="Who the client is, e.g. 'e-Kinerja BKPSDM'.")
@click.option("--unit", "unit_id", type=int, help="Scope: this unit and below (default: all).")
def api_clients_create(name: str, unit_id: int | None) -> None:
    """Create an API client and print its key, once."""
    try:
        client, key = api_clients.create(db.session, name, unit_id, by=audit.cli_actor())
    except SurveyError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    scope = f"unit {client.unit.name} (id {client.unit_id}) and below" if client.unit else "all"
    click.echo(f"API client {client.id} '{client.name}', scope: {scope}.")
    click.echo(f"key: {key}")
    click.echo("The key is shown only now; only its hash is stored. Keep it in a secret store.")


@api_clients_cli.command("list")
def api_clients_list() -> None:
    """List API clients with their scope, last use and state."""
    for client in api_clients.listing(db.session):
        scope = client.unit.name if client.unit else "all"
        used = f"{client.last_used_at:%Y-%m-%d %H:%M} UTC" if client.last_used_at else "never"
        state = "active" if client.active else f"revoked {client.revoked_at:%Y-%m-%d %H:%M}"
        click.echo(
            f"{client.id}\t{client.name}\t{client.key_prefix}…\tscope: {scope}\t"
            f"last used: {used}\t{state}"
        )


@api_clients_cli.command("revoke")
@click.argument("client_id", type=int)
def api_clients_revoke(client_id: int) -> None:
    """Revoke a client's key: every call with it is refused from now on."""
    try:
        client = api_clients.revoke(db.session, client_id, by=audit.cli_actor())
    except SurveyError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Revoked API client {client.id} '{client.name}'.")


@periods_cli.command("close")
@click.argument("period")
def periods_close(period: str) -> None:
    """Freeze every employee's and unit's score of PERIOD (2026, 2026-S2, 2026-Q3, 2026-07)."""
    try:
        snapshot = snapshots.close(
            db.session,
            appraisal.parse_period(period),
            by=audit.cli_actor(),
            settings=_settings(),
            policy=current_app.config["REPORT_POLICY"],
            grace_days=current_app.config["PERIOD_GRACE_DAYS"],
        )
    except SurveyError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Closed {snapshot.period}: snapshot {snapshot.id} (version {snapshot.version}).")


@periods_cli.command("reopen")
@click.argument("period")
@click.option("--reason", required=True, help="Why: recorded with the reopening.")
def periods_reopen(period: str, reason: str) -> None:
    """Reopen a closed PERIOD; its snapshot stays readable by id."""
    try:
        snapshot = snapshots.reopen(
            db.session, appraisal.parse_period(period), by=audit.cli_actor(), reason=reason
        )
    except SurveyError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Reopened {snapshot.period}; snapshot {snapshot.id} stays readable by id.")


@appraisal_cli.command("export")
@click.option("--period", required=True, help="2026, 2026-S2, 2026-Q3 or 2026-07.")
@click.option("--format", "fmt", type=click.Choice(evidence.FORMATS), default="xlsx")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--snapshot", "snapshot_id", type=int, help="An earlier snapshot, by id.")
def appraisal_export(period: str, fmt: str, out: Path, snapshot_id: int | None) -> None:
    """Write one row per NIP with the API's fields, ready to attach as bukti dukung."""
    try:
        src = score_reads.source(db.session, appraisal.parse_period(period), snapshot_id)
        viewer = Viewer.system(current_app.config["REPORT_POLICY"])
        objects = list(score_reads.every_employee(db.session, viewer, src, _settings()))
    except SurveyError as error:
        raise click.ClickException(str(error)) from None
    out.write_bytes(evidence.render(objects, fmt, src.period.code))
    state = f"snapshot {src.snapshot.id}" if src.snapshot else "open period, live numbers"
    click.echo(f"Wrote {len(objects)} employees of {src.period.code} ({state}) to {out}.")


COMMANDS = (api_clients_cli, periods_cli, appraisal_cli)
