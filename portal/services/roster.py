"""Who is on duty at a counter: the duty roster answers "who served this citizen"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Date, bindparam, select
from sqlalchemy.orm import Session

from portal.models import DutyShift, Employee
from portal.services import directory
from portal.services.survey_target import StaffInfo
from surveys import calendar
from surveys import roster as duty


@dataclass(frozen=True)
class RosterDay:
    """The shifts that can cover a moment on one local day, with the staff they name."""

    shifts: tuple[duty.Shift, ...] = ()
    staff: dict[int, StaffInfo] = field(default_factory=dict)


# Built once: it runs whenever a counter's roster day is first needed in a process.
_SHIFTS = (
    select(
        DutyShift.employee_id,
        DutyShift.day,
        DutyShift.starts,
        DutyShift.ends,
        Employee.name,
        Employee.active,
    )
    .join(Employee, Employee.id == DutyShift.employee_id)
    .where(
        DutyShift.counter_id == bindparam("counter_id"),
        DutyShift.day.in_([bindparam("day_before", type_=Date), bindparam("day", type_=Date)]),
    )
)


def roster_day(session: Session, counter_id: int, day: dt.date) -> RosterDay:
    day_before, day = duty.days_to_read(day)
    rows = session.execute(
        _SHIFTS, {"counter_id": counter_id, "day_before": day_before, "day": day}
    ).all()
    return RosterDay(
        shifts=tuple(duty.Shift(r.employee_id, r.day, r.starts, r.ends) for r in rows),
        staff={r.employee_id: StaffInfo(r.employee_id, r.name, r.active) for r in rows},
    )


def serving(known: RosterDay, local: dt.datetime) -> StaffInfo | None:
    """Return the one active employee a roster day has on duty at a wall-clock moment."""
    staff = known.staff.get(duty.on_duty(known.shifts, local))
    return staff if staff is not None and staff.active else None


def on_duty(
    session: Session, counter_id: int, zone: str, at: dt.datetime, *, stamp: str | None = None
) -> StaffInfo | None:
    """Return the one active employee whose shift at the counter covers ``at`` (naive UTC).

    Shifts are compared on the unit's wall clock (``zone``). Nobody is returned when no
    shift, or shifts of two different employees, cover the moment, or when the one on
    duty is no longer active. A roster day is read once per process and directory
    stamp: every survey opened at the counter that day asks the same question.
    """
    local = calendar.to_local(at, zone)
    day = local.date()
    stamp = stamp or directory.stamp(session)
    known = directory.cached(
        ("roster", counter_id, day), stamp, lambda: roster_day(session, counter_id, day)
    )
    return serving(known, local)
