"""How many citizens responded, per counter and per employee, from the rollups.

Scores (IKM, grades) come from ``surveys.scoring`` through the report service; this
answers only "is feedback coming in", which a unit head wants from day one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import Counter, Employee, Rollup, Unit
from portal.services.org import subtree_ids

_T = Rollup.__table__


@dataclass(frozen=True)
class Count:
    label: str
    unit: str
    respondents: int


@dataclass(frozen=True)
class Activity:
    month: dt.date
    total: int
    by_counter: list[Count]
    by_employee: list[Count]


def for_unit(session: Session, unit: Unit, month: dt.date) -> Activity:
    """Return respondent counts for ``unit`` and everything below it in the local ``month``."""
    unit_ids = subtree_ids(session, unit.id)
    in_scope = (_T.c.unit_id.in_(unit_ids), _T.c.month == month)
    total = session.scalar(select(func.coalesce(func.sum(_T.c.respondents), 0)).where(*in_scope))

    def grouped(model, key, label):
        rows = session.execute(
            select(label, Unit.name, func.sum(_T.c.respondents).label("n"))
            .join(model, model.id == key)
            .join(Unit, Unit.id == model.unit_id)
            .where(*in_scope)
            .group_by(model.id, label, Unit.name)
            .order_by(Unit.name, label)
        )
        return [Count(row[0], row[1], int(row.n)) for row in rows]

    return Activity(
        month=month,
        total=int(total),
        by_counter=grouped(Counter, _T.c.counter_id, Counter.name),
        by_employee=grouped(Employee, _T.c.employee_id, Employee.name),
    )
