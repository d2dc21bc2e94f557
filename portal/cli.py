"""Command-line tasks, grouped by topic: ``flask --app wsgi <group> <command>``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal import appraisal_cli, links, qr
from portal.extensions import db
from portal.services import demo, instruments, org, rollups
from surveys import instruments as catalogue
from surveys.errors import SurveyError

counters_cli = AppGroup("counters", help="Counters (loket) and their QR posters.")
database_cli = AppGroup("database", help="The database server itself.")
rollups_cli = AppGroup("rollups", help="The additive statistics behind every score.")
instruments_cli = AppGroup("instruments", help="Questionnaires (instrument versions).")


@click.command("demo-data")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has units.")
def demo_data(if_empty: bool) -> None:
    """Load the demo Pemda, its staff, rosters and two months of responses."""
    if not demo.is_empty(db.session):
        if if_empty:
            click.echo("Demo data: the database already has data; left as it is.")
            return
        raise click.ClickException("The database is not empty; demo data goes into an empty one.")
    demo.load(db.session)
    db.session.commit()
    click.echo("Demo data loaded.")


@click.command("demo-info")
@with_appcontext
def demo_info() -> None:
    """Print the demo logins and the survey link of every counter."""
    click.echo(f"staff login page: {links.login_url()}")
    for login in demo.LOGINS:
        click.echo(f"login: {login.role} {login.username} {login.password}")
    for counter in org.counters(db.session):
        click.echo(
            f"survey: {links.counter_survey_url(counter)}  {counter.unit.name} / {counter.name}"
        )


@counters_cli.command("qr")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write one PNG and one SVG per counter into.",
)
def counters_qr(out_dir: Path) -> None:
    """Write every counter's QR code, as PNG and SVG, into a folder."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for counter in org.counters(db.session):
        url = links.counter_survey_url(counter)
        stem = f"loket-{counter.id:04d}"
        (out_dir / f"{stem}.png").write_bytes(qr.png(url))
        (out_dir / f"{stem}.svg").write_bytes(qr.svg(url))
        click.echo(f"{stem}: {counter.unit.name} / {counter.name}  {url}")
        written += 1
    click.echo(f"Wrote {written * 2} files for {written} counters to {out_dir}.")


@rollups_cli.command("rebuild")
@click.option(
    "--batch",
    default=20_000,
    show_default=True,
    help="Responses recounted per transaction; submissions wait at most for one batch.",
)
def rollups_rebuild(batch: int) -> None:
    """Recount every rollup from the raw responses, safely while citizens keep answering."""
    rows = groups = 0
    for group in rollups.rebuild_batches(db.session, batch):
        rows += rollups.recount(db.session, group)
        db.session.commit()
        groups += len(group)
    click.echo(f"Recounted {groups} unit-months: {rows} rollup rows.")


@instruments_cli.command("install")
@click.argument("code", default=catalogue.DEFAULT_CODE)
def instruments_install(code: str) -> None:
    """Store the packaged questionnaire CODE (default: the 2017 SKM) if it is not stored yet."""
    try:
        row = instruments.install(db.session, code)
    except SurveyError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Instrument {row.code} v{row.version} is installed (id {row.id}).")


@database_cli.command("create")
def database_create() -> None:
    """Create the PostgreSQL database named in DATABASE_URL, if it does not exist yet."""
    url = make_url(db.engine.url)
    if url.get_backend_name() != "postgresql":
        click.echo(f"{url.get_backend_name()}: nothing to create (the file is made on first use).")
        return
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
        ).scalar()
        if exists:
            click.echo(f"Database {url.database} exists.")
        else:
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
            click.echo(f"Created database {url.database}.")
    server.dispose()


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_data)
    app.cli.add_command(demo_info)
    app.cli.add_command(counters_cli)
    app.cli.add_command(rollups_cli)
    app.cli.add_command(instruments_cli)
    app.cli.add_command(database_cli)
    for command in appraisal_cli.COMMANDS:
        app.cli.add_command(command)
