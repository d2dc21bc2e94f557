"""Command-line tasks, grouped by topic: ``flask --app wsgi <group> <command>``."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal import appraisal_cli, links, posters, qr
from portal.extensions import db
from portal.models import Role, UnitKind, utcnow
from portal.services import (
    accounts,
    audit,
    demo,
    employee_import,
    instruments,
    org,
    privacy,
    rollups,
    roster_import,
    structure,
)
from surveys import calendar
from surveys import instruments as catalogue
from surveys.errors import SurveyError
from surveys.passwords import MINIMUM_LENGTH, WeakPassword

PASSWORD_HELP = (
    f"at least {MINIMUM_LENGTH} characters, not a common password, not containing the username."
)

counters_cli = AppGroup("counters", help="Counters (loket) and their QR posters.")
database_cli = AppGroup("database", help="The database server itself.")
roster_cli = AppGroup("roster", help="Duty rosters: the bulk import of a CSV or XLSX roster.")
employees_cli = AppGroup("employees", help="Employees: the bulk import of a CSV or XLSX list.")
rollups_cli = AppGroup("rollups", help="The additive statistics behind every score.")
instruments_cli = AppGroup("instruments", help="Questionnaires (instrument versions).")
privacy_cli = AppGroup("privacy", help="Personal data: retention (UU 27/2022).")


@click.command("demo-data")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has units.")
def demo_data(if_empty: bool) -> None:
    """Load the demo Pemda, its staff, rosters and two months of responses.

    Refused in the production profile unless DEMO_DATA=1: the demo accounts' password
    is published in the README."""
    if current_app.config["PRODUCTION"] and os.environ.get("DEMO_DATA") != "1":
        raise click.ClickException(
            "Production profile: demo data (with its published passwords) is not loaded. "
            "Run `flask --app wsgi setup` for a real Pemda, or set DEMO_DATA=1 for a demo."
        )
    if not demo.is_empty(db.session):
        if if_empty:
            click.echo("Demo data: the database already has data; left as it is.")
            return
        raise click.ClickException("The database is not empty; demo data goes into an empty one.")
    demo.load(db.session)
    db.session.commit()
    click.echo("Demo data loaded.")


@click.command("setup")
@with_appcontext
@click.option("--pemda", help="The Pemda's name, e.g. Pemerintah Kabupaten Lampung Selatan.")
@click.option("--timezone", type=click.Choice(sorted(calendar.ZONES)), help="Default Asia/Jakarta.")
@click.option("--admin", "username", help="The first administrator's username (default admin).")
@click.option(
    "--password",
    envvar="SETUP_ADMIN_PASSWORD",
    help="Asked for (hidden, twice) unless given here or in SETUP_ADMIN_PASSWORD.",
)
def setup(pemda: str | None, timezone: str | None, username: str | None, password: str | None):
    """Set up an empty portal: the Pemda's root unit and the first administrator.

    Refused once any administrator exists. The production profile never loads demo data
    (see `demo-data`); everything else is then set up on the admin pages.
    """
    if accounts.admins_exist(db.session):
        raise click.ClickException("An administrator already exists: this portal is set up.")
    pemda = pemda or click.prompt("Name of the Pemda (the top of the unit tree)")
    timezone = timezone or click.prompt(
        "Time zone", type=click.Choice(sorted(calendar.ZONES)), default="Asia/Jakarta"
    )
    username = username or click.prompt("First administrator's username", default="admin")
    password = password or click.prompt(
        f"Password for {username} ({PASSWORD_HELP})", hide_input=True, confirmation_prompt=True
    )
    actor = audit.cli_actor()
    try:
        root = structure.create_unit(
            db.session, name=pemda, kind=UnitKind.PEMDA, timezone=timezone, by=actor
        )
        user, _ = accounts.create(
            db.session, username=username, role=Role.ADMIN, password=password, by=actor
        )
    except WeakPassword as weak:
        db.session.rollback()
        raise click.ClickException(f"Password refused ({weak.reason}): {PASSWORD_HELP}") from None
    except (accounts.InvalidAccount, structure.Invalid) as invalid:
        db.session.rollback()
        raise click.ClickException(f"Refused: invalid {invalid}.") from None
    db.session.commit()
    click.echo(f"Set up {root.name} ({root.timezone}) with administrator {user.username}.")
    click.echo(f"login: admin {user.username} <the password you chose>  at {links.login_url()}")


@employees_cli.command("import")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report only; import nothing.")
def employees_import(path: Path, dry_run: bool) -> None:
    """Import employees from a CSV or XLSX file (nip, nama, jabatan, unit[, jenis]).

    Lists every refused line with its reason; imports every good row in one
    transaction (upsert by NIP), so importing the same file again changes nothing.
    """
    try:
        plan = employee_import.plan(db.session, path.read_bytes(), path.name)
    except employee_import.FileProblem as problem:
        message = f"{path.name}: {problem.reason} {problem.detail}".strip()
        raise click.ClickException(message) from None
    for refused in plan.problems:
        click.echo(f"line {refused.line}: {refused.reason} {refused.detail}".rstrip(), err=True)
    click.echo(
        f"{path.name}: {len(plan.new)} new, {len(plan.changed)} changed, "
        f"{plan.unchanged} unchanged, {len(plan.problems)} refused lines."
    )
    if dry_run:
        click.echo("Dry run: nothing imported.")
        return
    if not (plan.new or plan.changed):
        click.echo("Nothing to import: every good row is already stored as it is.")
        return
    with click.progressbar(length=len(plan.new) + len(plan.changed), label="Importing") as bar:
        employee_import.apply(db.session, plan, by=audit.cli_actor(), progress=bar.update)
    db.session.commit()
    click.echo("Imported.")


@roster_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--unit", "unit_id", type=int, required=True, help="The unit whose loket it rosters.")
@click.option("--dry-run", is_flag=True, help="Check and report only; import nothing.")
def roster_import_command(path: Path, unit_id: int, dry_run: bool) -> None:
    """Import shifts (tanggal) and weekly patterns (hari) for one unit's loket.

    Columns: loket, nip, tanggal or hari, mulai, selesai. Every refused line is listed
    with its reason; clashes are refused; importing the same file again changes nothing.
    """
    try:
        plan = roster_import.plan(db.session, unit_id, path.read_bytes())
    except employee_import.FileProblem as problem:
        raise click.ClickException(
            f"{path.name}: {problem.reason} {problem.detail}".strip()
        ) from None
    except org.NotFound:
        raise click.ClickException(f"No unit {unit_id}.") from None
    for refused in plan.problems:
        click.echo(f"line {refused.line}: {refused.reason} {refused.detail}".rstrip(), err=True)
    click.echo(
        f"{path.name}: {len(plan.shifts)} shifts, {len(plan.patterns)} weekly patterns, "
        f"{len(plan.problems)} refused lines."
    )
    if dry_run:
        click.echo("Dry run: nothing imported.")
        return
    roster_import.apply(db.session, plan, by=audit.cli_actor())
    db.session.commit()
    click.echo("Imported.")


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
    _warn_about_base_url()
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


@counters_cli.command("create")
@click.option("--unit", "unit_id", type=int, required=True, help="The unit the counters belong to.")
@click.argument("names", nargs=-1, required=True)
def counters_create(unit_id: int, names: tuple[str, ...]) -> None:
    """Create counters in a unit, one per NAME (a name per argument), audited."""
    actor = audit.cli_actor()
    try:
        created = [structure.create_counter(db.session, unit_id, n, by=actor) for n in names]
    except org.NotFound:
        raise click.ClickException(f"No unit {unit_id}.") from None
    except structure.Invalid:
        raise click.ClickException("Every counter needs a name of 1 to 120 characters.") from None
    db.session.commit()
    for counter in created:
        click.echo(f"created: {counter.id} {counter.name}")


@counters_cli.command("posters")
@with_appcontext
@click.option("--unit", "unit_id", type=int, help="Only this unit and the units below it.")
@click.option("--size", type=click.Choice(["a4", "a6"]), default="a4", show_default=True)
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The PDF file to write (one page per active counter).",
)
def counters_posters(unit_id: int | None, size: str, out_file: Path) -> None:
    """Write print-ready QR posters of every active counter into one PDF."""
    _warn_about_base_url()
    roots = [unit_id] if unit_id else [u.id for u in org.roots(db.session)]
    counters = [c for root in roots for c in structure.active_counters_within(db.session, root)]
    if not counters:
        raise click.ClickException("No active counters: no posters to print.")
    actor = audit.cli_actor()
    items = []
    for counter in counters:
        root = org.lineage(db.session, counter.unit)[0]
        items.append(
            posters.Poster(
                pemda=root.name if root.id != counter.unit_id else "",
                unit=counter.unit.name,
                counter=counter.name,
                url=links.counter_survey_url(counter),
            )
        )
        structure.record_print(db.session, counter, "counter.print_poster", by=actor)
    out_file.write_bytes(posters.render(items, size))
    db.session.commit()
    click.echo(f"Wrote {len(items)} {size.upper()} posters to {out_file} ({links.public_base()}).")


def _warn_about_base_url() -> None:
    problem = links.base_url_problem()
    if problem is None:
        return
    reasons = {
        "unset": "PUBLIC_BASE_URL is not set",
        "loopback": "PUBLIC_BASE_URL points at this machine only",
        "wildcard": "PUBLIC_BASE_URL is a listening address (0.0.0.0), not one to visit",
    }
    click.secho(
        f"WARNING: {reasons[problem]}: every code will hold {links.public_base()}/s/..., "
        "which a citizen's phone cannot open. Set PUBLIC_BASE_URL to the portal's public "
        "address (e.g. https://skm.example.go.id) before printing.",
        fg="red",
        bold=True,
        err=True,
    )


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


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be erased; change nothing.")
@click.option(
    "--batch",
    default=privacy.DEFAULT_BATCH,
    show_default=True,
    type=click.IntRange(min=1),
    help="Responses changed per transaction.",
)
def privacy_purge(dry_run: bool, batch: int) -> None:
    """Erase comments and client hashes older than RETENTION_DAYS; the scores stay.

    Run it daily (docs/deploy.md). Audited when it changes anything."""
    days = current_app.config["RETENTION_DAYS"]
    before = privacy.cutoff(utcnow(), days)
    columns = ", ".join(privacy.PURGED_COLUMNS)
    if dry_run:
        rows = privacy.count(db.session, before)
        click.echo(
            f"Dry run: {rows} responses older than {days} days hold {columns}; none changed."
        )
        return
    actor, rows = audit.cli_actor(), 0
    while changed := privacy.purge_batch(db.session, before, by=actor, limit=batch):
        db.session.commit()
        rows += changed
    click.echo(f"Purged {columns} of {rows} responses older than {days} days.")


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
    app.cli.add_command(setup)
    app.cli.add_command(demo_info)
    app.cli.add_command(counters_cli)
    app.cli.add_command(employees_cli)
    app.cli.add_command(roster_cli)
    app.cli.add_command(rollups_cli)
    app.cli.add_command(instruments_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(database_cli)
    for command in appraisal_cli.COMMANDS:
        app.cli.add_command(command)
