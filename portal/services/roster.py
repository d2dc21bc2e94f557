"""Who is on duty at a counter: the duty roster answers "who served this citizen"."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Time, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from portal.models import Counter, DutyShift, Employee
from surveys import calendar


def _on_duty_query():
    day, time = bindparam("day", type_=Date), bindparam("time", type_=Time)
    day_before = bindparam("day_before", type_=Date)
    overnight = DutyShift.ends <= DutyShift.starts
    covers = or_(
        and_(DutyShift.day == day, DutyShift.starts <= time, or_(DutyShift.ends > time, overnight)),
        and_(DutyShift.day == day_before, overnight, DutyShift.ends > time),
    )
    return select(DutyShift.employee_id).where(
        DutyShift.counter_id == bindparam("counter_id"), covers
    )


# Built once: it runs on every survey opened and every response stored.
_ON_DUTY = _on_duty_query()


def on_duty(session: Session, counter: Counter, at: dt.datetime) -> Employee | None:
    """Return the one employee whose shift at ``counter`` covers ``at`` (naive UTC).

    Shifts are compared on the unit's wall clock; a shift that ends at or before it
    starts runs overnight into the next day. If two different employees are on duty
    at once the response cannot fairly be credited to either, so nobody is returned
    and the response counts for the counter and the unit only.
    """
    local = calendar.to_local(at, counter.unit.timezone)
    day, time = local.date(), local.time().replace(tzinfo=None)
    employee_ids = set(
        session.scalars(
            _ON_DUTY,
            {
                "counter_id": counter.id,
                "day": day,
                "day_before": day - dt.timedelta(days=1),
                "time": time,
            },
        )
    )
    if len(employee_ids) != 1:
        return None
    employee = session.get(Employee, employee_ids.pop())
    return employee if employee is not None and employee.active else None
