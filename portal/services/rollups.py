"""Keep the rollup tables equal to the sums of the raw responses.

Two grains: monthly buckets answer every standard period from a handful of rows;
daily buckets answer the ragged edges of date ranges and weekly trends. Each grain has
a table by counter and employee (which also answers unit scopes) and one by service
type (``docs/decisions/0003-rollup-buckets.md``).

What a response adds to a bucket is defined once, by ``surveys.statistics.contribution``,
and the bucket it falls in once, by ``Grain.row``. Rollups change in exactly two ways:

- ``store``: the submit path inserts a response and adds it to its buckets, in the
  caller's transaction, so a response and its statistics are stored together or not
  at all;
- ``recount``: recompute the buckets of some units x months from their raw responses,
  under a lock that keeps submissions to those buckets out until the caller commits.
  Re-attribution after a roster correction, an integrity review, a deletion and the
  full rebuild all go through it, so no other code edits a rollup row.

Raw responses stay the source of truth; tests check that stored and recounted rollups
are identical.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from sqlalchemy import Text, and_, delete, func, insert, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.models import (
    DailyRollup,
    DailyServiceRollup,
    ProfileRollup,
    Response,
    Rollup,
    ServiceRollup,
)
from portal.models.feedback import BUCKET_KEY_PREFIXES
from surveys import respondents, statistics
from surveys.instruments import UNSUR_CODES

SUMMED = statistics.COLUMNS

# One unit's month of responses: the unit of recounting.
UnitMonth = tuple[int, dt.date]


@dataclass(frozen=True)
class Grain:
    table: object
    period_column: str
    key_format: str
    dimensions: tuple[str, ...]
    # The columns a response adds to: the statistics, or (profile) one respondent.
    summed: tuple[str, ...] = SUMMED

    def period_of(self, local_day: dt.date) -> dt.date:
        return local_day.replace(day=1) if self.period_column == "month" else local_day

    def row(self, local_day: dt.date, unit_id: int, ids: Mapping) -> dict:
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
PROFILE = Grain(
    ProfileRollup.__table__,
    "month",
    "%Y-%m",
    (),
    summed=("respondents", *(name for name, _, _ in respondents.PROFILE_COLUMNS)),
)
GRAINS = (MONTHLY, DAILY, MONTHLY_SERVICE, DAILY_SERVICE, PROFILE)
_PROFILE_POSITION = {name: i for i, name in enumerate(PROFILE.summed)}


def _grain_values(grain: Grain, response: Mapping, added: list[int]) -> list[int]:
    """What a response adds to a grain's bucket: its statistics, or for the profile one
    respondent, counted once in each dimension (``surveys.respondents``)."""
    if grain is not PROFILE:
        return added
    values = [0] * len(PROFILE.summed)
    values[0] = 1
    counted = respondents.profile_counts(
        response["sex"], response["age"], response["education"], response["occupation"]
    )
    for name in counted:
        values[_PROFILE_POSITION[name]] = 1
    return values


_ANSWERS = tuple(code.lower() for code in UNSUR_CODES)


def bucket_rows(response: Mapping) -> list[tuple[Grain, dict]]:
    """Return each bucket a response falls in, with what it adds there.

    ``response`` maps the response table's column names to values (at least
    ``service_date``, ``unit_id``, the staff and service type ids and the answers).
    A response with every item blank falls in no bucket, and so does one excluded by
    the integrity rules (``surveys.integrity``): it is kept, but counts in no score.
    """
    if response.get("excluded"):
        return []
    added = statistics.contribution({code: response[code.lower()] for code in UNSUR_CODES})
    if added is None:
        return []
    day, unit_id = response["service_date"], response["unit_id"]
    rows = []
    for grain in GRAINS:
        values = _grain_values(grain, response, added)
        bucket = {
            **grain.row(day, unit_id, response),
            **dict(zip(grain.summed, values, strict=True)),
        }
        rows.append((grain, bucket))
    return rows


def _upsert(dialect: str, grain: Grain):
    """Return the upsert that adds a bucket row's statistics to ``grain``'s table.

    It adds every summed column, zeros included: a fixed shape lets SQLAlchemy cache the
    compiled SQL, which matters more on the submit path than skipping a few additions.
    """
    stmt = (postgresql if dialect == "postgresql" else sqlite).insert(grain.table)
    return stmt.on_conflict_do_update(
        index_elements=["bucket_key"],
        set_={name: grain.table.c[name] + stmt.excluded[name] for name in grain.summed},
    )


_UPSERTS = {(d, g): _upsert(d, g) for d in ("sqlite", "postgresql") for g in GRAINS}
# ON CONFLICT DO NOTHING: a submission id already stored (a double tap, a retry) inserts
# nothing and reports so, without an error that would end the caller's transaction.
_INSERT_RESPONSE = {
    d: module.insert(Response.__table__)
    .on_conflict_do_nothing(index_elements=["id"])
    .returning(Response.__table__.c.id)
    for d, module in (("sqlite", sqlite), ("postgresql", postgresql))
}


def store(session: Session, response: Mapping) -> bool:
    """Insert one response (every column of the response table) and add it to each of
    its buckets, in the caller's transaction: stored together or not at all.

    Return False, adding nothing, when a response with the same id is stored already.
    """
    # Core statements on the session's connection: the session adds nothing to them.
    connection = session.connection()
    dialect = connection.dialect.name
    if connection.execute(_INSERT_RESPONSE[dialect], response).first() is None:
        return False
    for grain, bucket in bucket_rows(response):
        connection.execute(_UPSERTS[dialect, grain], bucket)
    return True


def lock(session: Session) -> None:
    """Keep new submissions out of every bucket until this transaction ends.

    On PostgreSQL a table lock that conflicts with the submit path's INSERT and with
    itself: it waits for submissions already under way to commit, then holds new ones
    (and other recounts) until the caller commits. Call it before changing responses in
    the same transaction, so two such transactions queue instead of deadlocking. On
    SQLite the transaction's first write takes the database's one write lock, which
    ``recount`` does before it reads anything.
    """
    if session.connection().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE response IN SHARE ROW EXCLUSIVE MODE"))


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def _in_unit_months(table, period_column: str, pairs: list[UnitMonth]):
    """Return the condition selecting ``table``'s rows of the given units x months.

    Grouped by month (a recount names many units of a few months), so the database can
    use its (unit, period) indexes with one range per month.
    """
    column = table.c[period_column]
    by_month: dict[dt.date, list[int]] = {}
    for unit_id, month in pairs:
        by_month.setdefault(month, []).append(unit_id)
    return or_(
        *(
            and_(table.c.unit_id.in_(units), column >= month, column < _next_month(month))
            for month, units in sorted(by_month.items())
        )
    )


_READ_COLUMNS = (
    Response.service_date,
    Response.unit_id,
    Response.counter_id,
    Response.employee_id,
    Response.service_type_id,
    Response.sex,
    Response.age,
    Response.education,
    Response.occupation,
    *(getattr(Response, name) for name in _ANSWERS),
)


def recount(session: Session, unit_months: Iterable[UnitMonth]) -> int:
    """Recompute the buckets of ``unit_months`` (unit id, first of a local month) from
    their raw responses; return how many bucket rows were written.

    The only way rollups change after the submit path's own increment. It locks first
    (``lock``), deletes the buckets, then sums the responses, so a submission cannot
    slip in between the read and the write. It flushes; the caller commits, and should
    do so soon: submissions wait on the lock until then.
    """
    pairs = sorted({(unit_id, month.replace(day=1)) for unit_id, month in unit_months})
    if not pairs:
        return 0
    lock(session)
    for grain in GRAINS:
        session.execute(
            delete(grain.table).where(_in_unit_months(grain.table, grain.period_column, pairs))
        )
    # Summed per bucket as plain lists; a bucket's key columns are built once, when it is
    # first seen. What a response adds, and which bucket it falls in, come from the same
    # two definitions the submit path uses (statistics.contribution, Grain.row).
    totals: dict[Grain, dict[tuple, tuple[dict, list[int]]]] = {grain: {} for grain in GRAINS}
    query = select(*_READ_COLUMNS).where(
        _in_unit_months(Response.__table__, "service_date", pairs), Response.excluded.is_(False)
    )
    for row in session.execute(query).mappings():
        added = statistics.contribution({code: row[code.lower()] for code in UNSUR_CODES})
        if added is None:
            continue
        day, unit_id = row["service_date"], row["unit_id"]
        for grain in GRAINS:
            values = _grain_values(grain, row, added)
            ids = tuple(row[name] for name in grain.dimensions)
            key = (grain.period_of(day), unit_id, ids)
            bucket = totals[grain].get(key)
            if bucket is None:
                totals[grain][key] = (grain.row(day, unit_id, row), list(values))
            else:
                sums = bucket[1]
                for i, value in enumerate(values):
                    sums[i] += value
    written = 0
    for grain in GRAINS:
        rows = [
            {**keys, **dict(zip(grain.summed, sums, strict=True))}
            for keys, sums in totals[grain].values()
        ]
        for start in range(0, len(rows), 5_000):
            session.execute(insert(grain.table), rows[start : start + 5_000])
        written += len(rows)
    return written


def unit_months(session: Session) -> list[tuple[int, dt.date, int]]:
    """Return every unit x month that has responses or monthly buckets, with how many
    responses it holds: ``[(unit_id, month, responses), ...]`` in order."""
    month = func.substr(func.cast(Response.service_date, Text), 1, 7)
    counts = session.execute(
        select(Response.unit_id, month, func.count()).group_by(Response.unit_id, month)
    ).all()
    found = {(u, dt.date.fromisoformat(f"{m}-01")): n for u, m, n in counts}
    for unit_id, first in session.execute(select(Rollup.unit_id, Rollup.month).distinct()).all():
        found.setdefault((unit_id, first), 0)
    return [(u, m, n) for (u, m), n in sorted(found.items())]


# Bound on the unit-months of one recount's conditions (SQLite allows 32,766 parameters).
_PAIRS_PER_BATCH = 500


def rebuild_batches(session: Session, batch_responses: int = 20_000) -> Iterator[list[UnitMonth]]:
    """Yield every unit x month in groups of about ``batch_responses`` responses each.

    For a full rebuild that runs beside live submissions: the caller recounts and
    commits one group at a time, so no submission waits on more than one group.
    """
    group, size = [], 0
    for unit_id, month, count in unit_months(session):
        if group and (size + count > batch_responses or len(group) == _PAIRS_PER_BATCH):
            yield group
            group, size = [], 0
        group.append((unit_id, month))
        size += count
    if group:
        yield group


def rebuild(session: Session) -> int:
    """Recount every bucket in the caller's transaction; return the rows written.

    For a database nobody is writing to (demo data, a test, a benchmark's load). A live
    system rebuilds with ``flask rollups rebuild``, which commits per ``rebuild_batches``
    group.
    """
    return sum(recount(session, group) for group in rebuild_batches(session))


def bucket_statistics(session: Session, grain: Grain = MONTHLY) -> dict[str, dict[str, int]]:
    """Return every bucket's statistics by key, for comparing two ways of computing them."""
    table = grain.table
    names = grain.summed
    result = session.execute(select(table.c.bucket_key, *(table.c[n] for n in names)))
    return {row.bucket_key: {n: int(getattr(row, n)) for n in names} for row in result}
