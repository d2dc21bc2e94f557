"""Keep the rollup tables equal to the sums of the raw responses.

Two grains: monthly buckets answer every standard period from a handful of rows;
daily buckets answer the ragged edges of date ranges and weekly trends. Each grain has
a table by counter and employee (which also answers unit scopes) and one by service
type. ``store`` runs inside the submit transaction (on PostgreSQL a trigger does its
work, see ``portal.models.rollup_trigger``), so a response and its statistics are
stored together or not at all. ``rebuild`` recomputes all of them from the responses,
which stay the source of truth; a test checks that the two paths agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from portal.models import DailyRollup, DailyServiceRollup, Response, Rollup, ServiceRollup, Unit
from portal.models.feedback import BUCKET_KEY_PREFIXES
from portal.models.rollup_trigger import FUNCTION as TRIGGER
from surveys import calendar, statistics
from surveys.instruments import SCALE, UNSUR_CODES

SUMMED = statistics.COLUMNS


@dataclass(frozen=True)
class Grain:
    table: object
    period_column: str
    key_format: str
    dimensions: tuple[str, ...]

    def period_of(self, local_day: dt.date) -> dt.date:
        return local_day.replace(day=1) if self.period_column == "month" else local_day

    def row(self, local_day: dt.date, unit_id: int, ids: dict) -> dict:
        """Return the key columns of the bucket a response on ``local_day`` falls in."""
        period = self.period_of(local_day)
        parts = [period.strftime(self.key_format), f"u{unit_id}"]
        for name in self.dimensions:
            value = ids[name]
            parts.append(f"{BUCKET_KEY_PREFIXES[name]}{value if value is not None else '-'}")
        return {
            "bucket_key": "|".join(parts),
            self.period_column: period,
            "unit_id": unit_id,
            **{name: ids[name] for name in self.dimensions},
        }


MONTHLY = Grain(Rollup.__table__, "month", "%Y-%m", ("counter_id", "employee_id"))
DAILY = Grain(DailyRollup.__table__, "day", "%Y-%m-%d", ("counter_id", "employee_id"))
MONTHLY_SERVICE = Grain(ServiceRollup.__table__, "month", "%Y-%m", ("service_type_id",))
DAILY_SERVICE = Grain(DailyServiceRollup.__table__, "day", "%Y-%m-%d", ("service_type_id",))
GRAINS = (MONTHLY, DAILY, MONTHLY_SERVICE, DAILY_SERVICE)


def _ids(response: Response) -> dict:
    return {
        "counter_id": response.counter_id,
        "employee_id": response.employee_id,
        "service_type_id": response.service_type_id,
    }


def _sqlite_upsert(grain: Grain):
    """Return the upsert that adds a bucket row's statistics to ``grain``'s table.

    It adds every summed column, zeros included: a fixed shape lets SQLAlchemy cache the
    compiled SQL, which matters more on the submit path than skipping a few additions.
    """
    stmt = sqlite.insert(grain.table)
    return stmt.on_conflict_do_update(
        index_elements=["bucket_key"],
        set_={name: grain.table.c[name] + stmt.excluded[name] for name in SUMMED},
    )


_SQLITE_UPSERTS = {grain: _sqlite_upsert(grain) for grain in GRAINS}


def _bucket_rows(row: Mapping, zone: str) -> list[dict]:
    """Return the key and statistics columns of each bucket a response row falls in."""
    stats = statistics.of_response({code: row[code.lower()] for code in UNSUR_CODES})
    if not stats.respondents:
        return []
    columns = stats.as_columns()
    local_day = calendar.to_local(row["submitted_at"], zone).date()
    ids = {name: row.get(name) for name in BUCKET_KEY_PREFIXES}
    return [{**grain.row(local_day, row["unit_id"], ids), **columns} for grain in GRAINS]


_INSERT_RESPONSE = insert(Response.__table__)


def store(session: Session, row: Mapping, zone: str) -> None:
    """Insert one response (``row``: every column of the response table) and add it to
    each of its buckets, in the caller's transaction: stored together or not at all.

    On PostgreSQL the INSERT is all: a trigger adds the response to its buckets
    (``portal.models.rollup_trigger``). On SQLite the upserts follow the INSERT here.
    """
    # Core statements on the session's connection: the session adds nothing to them.
    connection = session.connection()
    connection.execute(_INSERT_RESPONSE, row)
    if connection.dialect.name == "postgresql":
        return
    for grain, bucket in zip(GRAINS, _bucket_rows(row, zone), strict=False):
        connection.execute(_SQLITE_UPSERTS[grain], bucket)


@contextmanager
def bulk_load(session: Session) -> Iterator[None]:
    """Let a load insert many responses without adding each to its buckets.

    For the demo data and the benchmarks, which ``rebuild`` once afterwards. On
    PostgreSQL the trigger is switched off for the load, inside the caller's transaction:
    ALTER TABLE keeps submissions waiting until it commits, and a failed load rolls the
    switch back with everything else. SQLite has no trigger to switch off.
    """
    postgresql = session.connection().dialect.name == "postgresql"
    if postgresql:
        session.execute(text(f"ALTER TABLE response DISABLE TRIGGER {TRIGGER}"))
    yield
    if postgresql:
        session.execute(text(f"ALTER TABLE response ENABLE TRIGGER {TRIGGER}"))


_ANSWER_COLUMNS = tuple(getattr(Response, code.lower()) for code in UNSUR_CODES)
_COUNT_INDEX = {
    (code, value): SUMMED.index(statistics.count_key(code, value))
    for code in UNSUR_CODES
    for value in SCALE
}


def rebuild(session: Session, *, batch: int = 10_000, pass_size: int = 1_000_000) -> int:
    """Recompute every rollup row from the raw responses; return how many rows were written.

    Every bucket belongs to one unit, so the responses are read in passes over groups of
    units of about ``pass_size`` responses each: a pass's buckets are complete when it
    ends and are written out, and memory is bounded by the pass, not by the database
    (a national month holds more buckets than a server has memory for at once). All
    passes run in one transaction: reports never see half-rebuilt statistics.
    """
    zones = dict(session.execute(select(Unit.id, Unit.timezone)).all())
    per_unit = session.execute(
        select(Response.unit_id, func.count()).group_by(Response.unit_id).order_by(Response.unit_id)
    ).all()
    for grain in GRAINS:
        session.execute(delete(grain.table))
    written = 0
    for units in _passes(per_unit, pass_size):
        totals = _accumulate(session, units, zones, batch)
        for grain in GRAINS:
            rows = [
                {**keys, **dict(zip(SUMMED, values, strict=True))}
                for keys, values in totals[grain].values()
            ]
            for start in range(0, len(rows), batch):
                session.execute(insert(grain.table), rows[start : start + batch])
            written += len(rows)
    session.commit()
    return written


# Bound on the unit ids of one pass's IN list (SQLite allows 32,766 parameters).
_UNITS_PER_PASS = 5_000


def _passes(per_unit, pass_size: int):
    """Group units, in id order, into passes of at most ``pass_size`` responses each
    (a unit bigger than that is a pass of its own)."""
    units, responses = [], 0
    for unit_id, count in per_unit:
        if units and (responses + count > pass_size or len(units) == _UNITS_PER_PASS):
            yield units
            units, responses = [], 0
        units.append(unit_id)
        responses += count
    if units:
        yield units


def _accumulate(session: Session, units: list[int], zones: dict, batch: int) -> dict:
    totals: dict[Grain, dict[str, tuple[dict, list[int]]]] = {grain: {} for grain in GRAINS}
    query = (
        select(
            Response.submitted_at,
            Response.unit_id,
            Response.counter_id,
            Response.employee_id,
            Response.service_type_id,
            *_ANSWER_COLUMNS,
        )
        .where(Response.unit_id.in_(units))
        .execution_options(yield_per=batch)
    )
    for row in session.execute(query):
        pairs = zip(UNSUR_CODES, row[5:], strict=True)
        given = [(code, value) for code, value in pairs if value is not None]
        if not given:
            continue
        scaled_mean = statistics.MEAN_SCALE * sum(v for _, v in given) // len(given)
        local_day = calendar.to_local(row[0], zones[row[1]]).date()
        ids = {"counter_id": row[2], "employee_id": row[3], "service_type_id": row[4]}
        for grain in GRAINS:
            keys = grain.row(local_day, row[1], ids)
            _, bucket = totals[grain].setdefault(keys["bucket_key"], (keys, [0] * len(SUMMED)))
            bucket[0] += 1
            bucket[1] += scaled_mean
            bucket[2] += scaled_mean * scaled_mean
            for item in given:
                bucket[_COUNT_INDEX[item]] += 1
    return totals


def snapshot(session: Session, grain: Grain = MONTHLY) -> dict[str, dict[str, int]]:
    """Return every bucket's statistics by key, for comparing two ways of computing them."""
    table = grain.table
    result = session.execute(select(table.c.bucket_key, *(table.c[n] for n in SUMMED)))
    return {row.bucket_key: {n: int(getattr(row, n)) for n in SUMMED} for row in result}
