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


# Editing a roster --------------------------------------------------------------------
#
# A slot is a shift as it is planned: who, at which counter, on which local day, from
# and to which wall-clock time (past midnight when the end is not after the start; the
# same time twice is a whole day, as a 24-hour emergency counter is rostered).


@dataclass(frozen=True)
class Slot:
    employee_id: int
    counter_id: int
    day: dt.date
    starts: dt.time
    ends: dt.time

    def span(self) -> tuple[int, int]:
        """Minutes from a fixed origin: comparable across days and overnight shifts."""
        start = self.day.toordinal() * 1440 + self.starts.hour * 60 + self.starts.minute
        end_minute = self.ends.hour * 60 + self.ends.minute
        length = (end_minute - (self.starts.hour * 60 + self.starts.minute)) % 1440 or 1440
        return start, start + length


@dataclass(frozen=True)
class Conflict:
    reason: str  # "employee_busy": at another counter (or twice) then; "counter_taken"
    other: Slot


def conflicts(existing: Iterable[Slot], new: Slot) -> list[Conflict]:
    """Return why ``new`` cannot join ``existing``: the same employee twice at once, or
    two employees at one counter at once (a response could then credit nobody)."""
    start, end = new.span()
    found = []
    for slot in existing:
        other_start, other_end = slot.span()
        if other_start >= end or start >= other_end:
            continue
        if slot.employee_id == new.employee_id:
            found.append(Conflict("employee_busy", slot))
        elif slot.counter_id == new.counter_id:
            found.append(Conflict("counter_taken", slot))
    return found


@dataclass(frozen=True)
class Pattern:
    """A weekly shift: every ISO ``weekday`` (1 = Monday), this employee at this counter."""

    employee_id: int
    counter_id: int
    weekday: int
    starts: dt.time
    ends: dt.time


def expand(
    patterns: Iterable[Pattern], monday: dt.date, absent: Iterable[tuple[int, dt.date]] = ()
) -> list[Slot]:
    """Return the week's slots that the weekly patterns give, leaving out the days an
    employee is absent (``absent``: employee id and day pairs)."""
    away = set(absent)
    slots = []
    for pattern in patterns:
        day = monday + dt.timedelta(days=pattern.weekday - 1)
        if (pattern.employee_id, day) not in away:
            slots.append(
                Slot(pattern.employee_id, pattern.counter_id, day, pattern.starts, pattern.ends)
            )
    return sorted(slots, key=lambda s: (s.day, s.starts, s.counter_id))
