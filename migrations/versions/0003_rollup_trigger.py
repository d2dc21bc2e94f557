"""rollup trigger: PostgreSQL adds each new response to its rollup buckets itself

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 03:30:00

The submit path then sends one short INSERT instead of the response plus four bucket
upserts (see portal/models/rollup_trigger.py, which installs the same function on
create_all, and which a test compares with this one). SQLite keeps the upserts in the
app. The SQL is written out here, not imported, so that this migration stays what it was.
Buckets are unchanged, so nothing needs rebuilding.
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

FUNCTION = "response_rollups"
CODES = [f"u{n}" for n in range(1, 10)]
SCALE = (1, 2, 3, 4)
MEAN_SCALE = 2520
COLUMNS = ["respondents", "mean_sum", "mean_sq_sum", *(f"{c}_{v}" for c in CODES for v in SCALE)]
# table, period column, dimensions with their key prefixes
TABLES = (
    ("rollup", "month", (("counter_id", "c"), ("employee_id", "e"))),
    ("rollup_day", "day", (("counter_id", "c"), ("employee_id", "e"))),
    ("rollup_service", "month", (("service_type_id", "s"),)),
    ("rollup_service_day", "day", (("service_type_id", "s"),)),
)


def _upsert(table, period, dimensions):
    key = f"to_char(local_{period}, '{'YYYY-MM' if period == 'month' else 'YYYY-MM-DD'}')"
    key += " || '|u' || NEW.unit_id"
    key += "".join(f" || '|{prefix}' || coalesce(NEW.{d}::text, '-')" for d, prefix in dimensions)
    statistics = {"respondents": "1", "mean_sum": "scaled", "mean_sq_sum": "scaled * scaled"}
    for code in CODES:
        for value in SCALE:
            statistics[f"{code}_{value}"] = f"(coalesce(NEW.{code}, 0) = {value})::int"
    columns = {
        "bucket_key": key,
        period: f"local_{period}",
        "unit_id": "NEW.unit_id",
        **{d: f"NEW.{d}" for d, _ in dimensions},
        **{c: statistics[c] for c in COLUMNS},
    }
    additions = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COLUMNS)
    return (
        f"  INSERT INTO {table} ({', '.join(columns)})\n"
        f"  VALUES ({', '.join(columns.values())})\n"
        f"  ON CONFLICT (bucket_key) DO UPDATE SET {additions};"
    )


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    answered = " + ".join(f"(NEW.{c} IS NOT NULL)::int" for c in CODES)
    total = " + ".join(f"coalesce(NEW.{c}, 0)" for c in CODES)
    body = "\n".join(_upsert(*table) for table in TABLES)
    op.execute(
        f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  answered int := {answered};
  scaled bigint;
  local_day date;
  local_month date;
BEGIN
  IF answered = 0 THEN
    RETURN NULL;
  END IF;
  scaled := {MEAN_SCALE} * ({total}) / answered;
  SELECT ((NEW.submitted_at AT TIME ZONE 'UTC') AT TIME ZONE unit.timezone)::date
    INTO local_day FROM unit WHERE unit.id = NEW.unit_id;
  local_month := date_trunc('month', local_day)::date;
{body}
  RETURN NULL;
END $$"""
    )
    op.execute(
        f"CREATE TRIGGER {FUNCTION} AFTER INSERT ON response "
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP TRIGGER IF EXISTS {FUNCTION} ON response")
    op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
