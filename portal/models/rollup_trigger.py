"""On PostgreSQL the database adds each new response to its rollup buckets itself.

The submit path then sends one short INSERT. Handing PostgreSQL the bucket rows instead
meant one statement of about 9 KB with some 200 parameters, which SQLAlchemy and psycopg
processed afresh on every submission (psycopg caches the conversion of a statement only
under 4,096 characters and 50 parameters): about 2 ms of the app's CPU per submission,
against a fraction of that for the trigger inside the server. The trigger runs in the
INSERT's own transaction, so a response and its statistics are still stored together or
not at all, and a duplicate submission id still adds nothing.

SQLite keeps the upserts in ``portal.services.rollups.store``: there they cost little
(the library runs in-process), and SQLite cannot turn a UTC instant into a unit's local
day by time zone name. ``rollups.rebuild`` stays the definition of the buckets; the
tests check on PostgreSQL that what the trigger stored equals a rebuild.

Migration 0003 writes the same SQL out, as migrations do not import app code.
"""

from __future__ import annotations

from sqlalchemy import DDL, Table, event

from portal.models.base import Base
from portal.models.feedback import (
    BUCKET_KEY_PREFIXES,
    DailyRollup,
    DailyServiceRollup,
    Response,
    Rollup,
    ServiceRollup,
)
from surveys.instruments import SCALE, UNSUR_CODES
from surveys.statistics import COLUMNS, MEAN_SCALE, count_key

FUNCTION = "response_rollups"
TABLES = tuple(m.__table__ for m in (Rollup, DailyRollup, ServiceRollup, DailyServiceRollup))


def _upsert(table: Table) -> str:
    """Return the plpgsql upsert of NEW into its bucket of ``table``."""
    period = "month" if "month" in table.c else "day"
    dimensions = [name for name in BUCKET_KEY_PREFIXES if name in table.c]
    key = f"to_char(local_{period}, '{'YYYY-MM' if period == 'month' else 'YYYY-MM-DD'}')"
    key += " || '|u' || NEW.unit_id"
    for d in dimensions:
        key += f" || '|{BUCKET_KEY_PREFIXES[d]}' || coalesce(NEW.{d}::text, '-')"
    statistics = {
        "respondents": "1",
        "mean_sum": "scaled",
        "mean_sq_sum": "scaled * scaled",
        **{
            count_key(code, value): f"(coalesce(NEW.{code.lower()}, 0) = {value})::int"
            for code in UNSUR_CODES
            for value in SCALE
        },
    }
    columns = {
        "bucket_key": key,
        period: f"local_{period}",
        "unit_id": "NEW.unit_id",
        **{d: f"NEW.{d}" for d in dimensions},
        **{c: statistics[c] for c in COLUMNS},
    }
    additions = ", ".join(f"{c} = {table.name}.{c} + excluded.{c}" for c in COLUMNS)
    return (
        f"  INSERT INTO {table.name} ({', '.join(columns)})\n"
        f"  VALUES ({', '.join(columns.values())})\n"
        f"  ON CONFLICT (bucket_key) DO UPDATE SET {additions};"
    )


def postgresql_statements() -> list[str]:
    codes = [f"NEW.{code.lower()}" for code in UNSUR_CODES]
    answered = " + ".join(f"({c} IS NOT NULL)::int" for c in codes)
    total = " + ".join(f"coalesce({c}, 0)" for c in codes)
    body = "\n".join(_upsert(table) for table in TABLES)
    return [
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
END $$""",
        f"CREATE TRIGGER {FUNCTION} AFTER INSERT ON response "
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
    ]


def _install(target, connection, tables=(), **_) -> None:
    if Response.__table__ in tables and connection.dialect.name == "postgresql":
        for statement in postgresql_statements():
            connection.execute(DDL(statement.replace("%", "%%")))


def _uninstall(target, connection, **_) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(DDL(f"DROP FUNCTION IF EXISTS {FUNCTION}()"))


# create_all (the tests, the benchmarks) installs what migration 0003 does.
event.listen(Base.metadata, "after_create", _install)
event.listen(Base.metadata, "after_drop", _uninstall)
