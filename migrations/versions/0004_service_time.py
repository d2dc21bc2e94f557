"""service time: responses count on the day their page was opened; one rollup path

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 12:00:00

- response.opened_at (UTC, from the page's signed opening record; NULL for responses
  stored before it existed) and response.service_date, the unit-local day a response
  counts for (docs/decisions/0004-service-time.md). Existing responses count on the
  local day they arrived, exactly as their rollup buckets already hold them, so no
  bucket changes and nothing needs recounting.
- The response indexes follow: reports and recounts select by unit, counter or
  employee and service_date.
- PostgreSQL's rollup trigger (0003) is dropped: the app adds each response to its
  buckets on both databases, from the one definition in portal/services/rollups.py.
- The packaged default questionnaire is installed here, so that resolving a survey link
  never has to write it (it only reads).
"""
import datetime as dt
import importlib.util
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from surveys import instruments

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

OLD_INDEXES = {
    "ix_response_unit_submitted": ["unit_id", "submitted_at"],
    "ix_response_employee_submitted": ["employee_id", "submitted_at"],
    "ix_response_counter_submitted": ["counter_id", "submitted_at"],
}
NEW_INDEXES = {
    "ix_response_unit_service_date": ["unit_id", "service_date"],
    "ix_response_employee_service_date": ["employee_id", "service_date"],
    "ix_response_counter_service_date": ["counter_id", "service_date"],
}


def _backfill_sqlite(bind) -> None:
    # SQLite cannot convert a time to a zone by name; the responses are read in batches.
    zones = dict(bind.execute(sa.text("SELECT id, timezone FROM unit")).all())
    last = None
    while True:
        query = "SELECT id, unit_id, submitted_at FROM response WHERE service_date IS NULL"
        rows = bind.execute(sa.text(query + " LIMIT 10000")).all()
        if not rows or rows == last:
            break
        last = rows
        updates = []
        for response_id, unit_id, submitted_at in rows:
            at = submitted_at if isinstance(submitted_at, dt.datetime) else (
                dt.datetime.fromisoformat(submitted_at)
            )
            local = at.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(zones[unit_id]))
            updates.append({"id": response_id, "day": local.date().isoformat()})
        bind.execute(
            sa.text("UPDATE response SET service_date = :day WHERE id = :id"), updates
        )


def upgrade():
    bind = op.get_bind()
    with op.batch_alter_table("response") as batch:
        batch.add_column(sa.Column("opened_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("service_date", sa.Date(), nullable=True))
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS response_rollups ON response")
        op.execute("DROP FUNCTION IF EXISTS response_rollups()")
        op.execute(
            "UPDATE response SET service_date = "
            "((response.submitted_at AT TIME ZONE 'UTC') AT TIME ZONE unit.timezone)::date "
            "FROM unit WHERE unit.id = response.unit_id"
        )
    else:
        _backfill_sqlite(bind)
    with op.batch_alter_table("response") as batch:
        batch.alter_column("service_date", existing_type=sa.Date(), nullable=False)
        for name in OLD_INDEXES:
            batch.drop_index(name)
        for name, columns in NEW_INDEXES.items():
            batch.create_index(name, columns, unique=False)

    raw = instruments.load_raw(instruments.DEFAULT_CODE)
    instruments.from_dict(raw)
    present = bind.execute(
        sa.text("SELECT 1 FROM instrument WHERE code = :code AND version = :version"),
        {"code": raw["code"], "version": int(raw["version"])},
    ).first()
    if present is None:
        table = sa.table(
            "instrument",
            sa.column("code", sa.String),
            sa.column("version", sa.Integer),
            sa.column("definition", sa.JSON),
        )
        op.bulk_insert(table, [{"code": raw["code"], "version": int(raw["version"]), "definition": raw}])


def downgrade():
    # The installed questionnaire stays: responses may point at it.
    with op.batch_alter_table("response") as batch:
        for name in NEW_INDEXES:
            batch.drop_index(name)
        for name, columns in OLD_INDEXES.items():
            batch.create_index(name, columns, unique=False)
        batch.drop_column("service_date")
        batch.drop_column("opened_at")
    # Put 0003's trigger back, from 0003 itself.
    path = Path(__file__).with_name("0003_rollup_trigger.py")
    spec = importlib.util.spec_from_file_location("migration_0003", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.upgrade()
