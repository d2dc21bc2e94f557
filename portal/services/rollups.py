"""Keep the rollup table equal to the sum of the raw responses.

``add`` runs inside the submit transaction, so a response and its statistics are
stored together or not at all. ``rebuild`` recomputes everything from the responses,
which stay the source of truth; a test checks the two paths agree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.models import Response, Rollup, Unit
from surveys import calendar, statistics

_TABLE = Rollup.__table__
_SUMMED = ("respondents", "mean_sum", "mean_sq_sum", *statistics.COUNT_KEYS)


@dataclass(frozen=True)
class BucketKey:
    month: dt.date
    unit_id: int
    counter_id: int | None
    employee_id: int | None
    service_type_id: int | None

    def __str__(self) -> str:
        def part(prefix: str, value: int | None) -> str:
            return f"{prefix}{value if value is not None else '-'}"

        return "|".join(
            [
                self.month.strftime("%Y-%m"),
                part("u", self.unit_id),
                part("c", self.counter_id),
                part("e", self.employee_id),
                part("s", self.service_type_id),
            ]
        )

    def columns(self) -> dict:
        return {
            "bucket_key": str(self),
            "month": self.month,
            "unit_id": self.unit_id,
            "counter_id": self.counter_id,
            "employee_id": self.employee_id,
            "service_type_id": self.service_type_id,
        }


def bucket_of(response: Response, zone: str) -> BucketKey:
    return BucketKey(
        month=calendar.local_month(response.submitted_at, zone),
        unit_id=response.unit_id,
        counter_id=response.counter_id,
        employee_id=response.employee_id,
        service_type_id=response.service_type_id,
    )


def add(session: Session, response: Response, zone: str) -> None:
    """Add one response's statistics to its bucket, creating the bucket if needed."""
    stats = statistics.of_response(response.answers)
    if not stats.respondents:
        return
    row = {**bucket_of(response, zone).columns(), **stats.as_columns()}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt = postgresql.insert(_TABLE).values(row)
    elif dialect == "sqlite":
        stmt = sqlite.insert(_TABLE).values(row)
    else:  # pragma: no cover - only the two supported databases reach here
        raise RuntimeError(f"Unsupported database dialect {dialect!r}.")
    # Only the non-zero statistics need adding; the rest of the wide row stays as it is.
    changed = [name for name in _SUMMED if row[name]]
    stmt = stmt.on_conflict_do_update(
        index_elements=["bucket_key"],
        set_={name: _TABLE.c[name] + stmt.excluded[name] for name in changed},
    )
    session.execute(stmt)


def rebuild(session: Session, *, batch: int = 5000) -> int:
    """Recompute every rollup row from the raw responses; return how many rows were written."""
    zones = dict(session.execute(select(Unit.id, Unit.timezone)).all())
    totals: dict[BucketKey, statistics.Statistics] = defaultdict(statistics.Statistics)
    for response in session.scalars(select(Response).execution_options(yield_per=batch)):
        stats = statistics.of_response(response.answers)
        if stats.respondents:
            key = bucket_of(response, zones[response.unit_id])
            totals[key] = totals[key] + stats
    session.execute(delete(_TABLE))
    rows = [{**key.columns(), **stats.as_columns()} for key, stats in totals.items()]
    for start in range(0, len(rows), batch):
        session.execute(insert(_TABLE), rows[start : start + batch])
    session.commit()
    return len(rows)


def snapshot(session: Session) -> dict[str, dict[str, int]]:
    """Return every bucket's statistics by key, for comparing two ways of computing them."""
    result = session.execute(select(_TABLE.c.bucket_key, *(_TABLE.c[n] for n in _SUMMED)))
    return {row.bucket_key: {n: int(getattr(row, n)) for n in _SUMMED} for row in result}
