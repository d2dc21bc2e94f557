"""The backup and restore procedure of docs/deploy.md, run for real against PostgreSQL.

A fresh database is created and migrated with the same commands an operator types,
loaded with the demo data, dumped by ``deploy/backup.sh`` and restored by
``deploy/restore.sh`` into a second fresh database; the copy must carry the same
Alembic revision and the same number of rows in every table.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.servers import ROOT

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TOOLS = ("pg_dump", "pg_restore", "psql")
MISSING_TOOLS = [tool for tool in TOOLS if shutil.which(tool) is None]
MAIN_TABLES = (
    "unit",
    "counter",
    "employee",
    "duty_shift",
    "response",
    "rollup",
    "rollup_day",
    "rollup_service",
    "rollup_service_day",
    "user_account",
)
BACKUP = ROOT / "deploy" / "backup.sh"
RESTORE = ROOT / "deploy" / "restore.sh"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not TEST_DATABASE_URL,
        reason="TEST_DATABASE_URL is not set: backup/restore test against PostgreSQL skipped",
    ),
    pytest.mark.skipif(
        bool(MISSING_TOOLS),
        reason=f"not on PATH: {', '.join(MISSING_TOOLS)} (apt-get install postgresql-client)",
    ),
]


def _url_for(database: str) -> str:
    """TEST_DATABASE_URL pointed at another database, in the app's SQLAlchemy form."""
    return make_url(TEST_DATABASE_URL).set(database=database).render_as_string(hide_password=False)


def _server_engine() -> sa.Engine:
    return sa.create_engine(_url_for("postgres"), isolation_level="AUTOCOMMIT")


@pytest.fixture
def database_names():
    """Two unused database names; whatever exists under them afterwards is dropped."""
    stem = f"sl_backup_test_{uuid.uuid4().hex[:10]}"
    names = (f"{stem}_source", f"{stem}_restored")
    try:
        yield names
    finally:
        engine = _server_engine()
        with engine.connect() as conn:
            for name in names:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(
        args,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, (
        f"{' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    return result


def _flask(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``flask --app wsgi ...`` as the operator does, configured by the environment."""
    env = {
        "DATABASE_URL": database_url,
        # Set, so the CLI never writes a generated key into the checkout's instance/.
        "SECRET_KEY": "backup-restore-test",
        "PORTAL_ENV": "development",
    }
    return _run([sys.executable, "-m", "flask", "--app", "wsgi", *args], env)


def _snapshot(database_url: str) -> tuple[str, dict[str, int]]:
    """The Alembic revision and the row count of every table of one database."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            tables = sa.inspect(conn).get_table_names()
            counts = {
                table: conn.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar()
                for table in tables
            }
    finally:
        engine.dispose()
    return revision, counts


def test_a_backup_restores_into_a_fresh_database_with_every_row(database_names, tmp_path):
    source_name, restored_name = database_names
    source_url = _url_for(source_name)
    restored_url = _url_for(restored_name)

    # Create (as `make serve` does), migrate (as an upgrade does) and fill a database.
    _flask(source_url, "database", "create")
    _flask(source_url, "db", "upgrade")
    _flask(source_url, "demo-data")
    source_revision, source_counts = _snapshot(source_url)
    assert source_revision
    for table in MAIN_TABLES:
        assert source_counts[table] > 0, f"the demo data left {table} empty"

    # A dump from another day, past retention; and an unrelated file that must survive.
    backup_dir = tmp_path / "backups"
    backup_dir.mkdir()
    expired = backup_dir / "suara-layanan-20000101T000000Z.dump"
    expired.write_bytes(b"old")
    old = time.time() - 40 * 24 * 3600
    os.utime(expired, (old, old))
    unrelated = backup_dir / "notes.txt"
    unrelated.write_text("keep me")
    os.utime(unrelated, (old, old))

    # Back up, with the app's own DATABASE_URL (the SQLAlchemy +psycopg form).
    backup = _run(
        [str(BACKUP)],
        {"DATABASE_URL": source_url, "BACKUP_DIR": str(backup_dir), "BACKUP_KEEP_DAYS": "14"},
    )
    dump = Path(backup.stdout.strip().splitlines()[-1])
    assert dump.parent == backup_dir
    assert re.fullmatch(r"suara-layanan-\d{8}T\d{6}Z\.dump", dump.name), dump.name
    assert dump.stat().st_size > 0
    assert dump.stat().st_mode & 0o077 == 0, "a dump holds personal data: owner-only"
    assert not expired.exists(), "retention did not remove a dump older than 14 days"
    assert unrelated.exists(), "retention removed a file that is not a dump"
    assert sorted(p.name for p in backup_dir.iterdir()) == sorted([dump.name, "notes.txt"])

    # Restore into a database that does not exist yet.
    restore = _run([str(RESTORE), str(dump), restored_url], {"SUARA_APP_DIR": str(ROOT)})
    assert f"alembic revision: {source_revision}" in restore.stdout
    assert f"{source_revision} (head)" in restore.stdout  # flask db current, on the copy
    assert f"  response {source_counts['response']}" in restore.stdout

    restored_revision, restored_counts = _snapshot(restored_url)
    assert restored_revision == source_revision
    assert restored_counts == source_counts
    current = _flask(restored_url, "db", "current")
    assert current.stdout.split() == [source_revision, "(head)"]

    # The scripts refuse what would be dangerous or useless, and say so with a failure.
    again = subprocess.run(
        [str(RESTORE), str(dump), restored_url], cwd=ROOT, capture_output=True, text=True
    )
    assert again.returncode != 0
    assert "already exists" in again.stderr
    failed = subprocess.run(
        [str(BACKUP), _url_for(f"{source_name}_missing")],
        cwd=ROOT,
        env={**os.environ, "BACKUP_DIR": str(backup_dir)},
        capture_output=True,
        text=True,
    )
    assert failed.returncode != 0
    assert "pg_dump failed" in failed.stderr
    assert sorted(p.name for p in backup_dir.iterdir()) == sorted([dump.name, "notes.txt"])
