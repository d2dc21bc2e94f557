"""Who was on duty: a duty roster read on the unit's wall clock.

A shift is written as a roster is: a local day and two local times. One whose end is
not after its start runs past midnight into the next day (22:00-06:00, or 16:00-00:00
for "until midnight"), so the shifts that can cover a moment are those of its own day
and of the day before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Shift:
    employee_id: int
    day: dt.date
    starts: dt.time
    ends: dt.time

    @property
    def overnight(self) -> bool:
        return self.ends <= self.starts

    def covers(self, day: dt.date, time: dt.time) -> bool:
        if self.day == day:
            return self.starts <= time and (self.overnight or time < self.ends)
        return self.day == day - dt.timedelta(days=1) and self.overnight and time < self.ends


def days_to_read(day: dt.date) -> tuple[dt.date, dt.date]:
    """Return the roster days whose shifts can cover a moment on ``day``."""
    return day - dt.timedelta(days=1), day


def on_duty(shifts: Iterable[Shift], local: dt.datetime) -> int | None:
    """Return the id of the one employee whose shift covers ``local`` (a wall-clock time).

    If two different employees are on duty at once, the response cannot fairly be
    credited to either: nobody is returned, and it counts for the counter and the unit.
    """
    day, time = local.date(), local.time().replace(tzinfo=None)
    employees = {s.employee_id for s in shifts if s.covers(day, time)}
    return employees.pop() if len(employees) == 1 else None
