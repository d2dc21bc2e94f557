"""Editing duty rosters: weekly patterns, published shifts, absences, corrections.

The published shifts (``DutyShift``) alone decide whom a response credits
(``portal.services.roster`` reads them on the survey path). Administrators keep weekly
patterns and publish a week from them, add or remove single shifts, and record
absences. Every shift is checked against the others by the pure rule of
``surveys.roster.conflicts`` (one employee at two counters, two employees at one
counter). Correcting a day that has begun re-credits that counter's responses of the
day through the one recompute primitive (``rollups.recount``), unless a closed period
covers the day: closed periods are frozen. Every change is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import (
    Absence,
    Counter,
    DutyShift,
    Employee,
    Response,
    RosterPattern,
    Unit,
    utcnow,
)
from portal.services import audit, org, rollups, roster, snapshots
from portal.services.survey_target import StaffInfo
from surveys import calendar, periods
from surveys import roster as rules
from surveys.attribution import Attribution
from surveys.errors import NotFound, SurveyError


class RosterConflict(SurveyError):
    """A shift or pattern that would clash with the roster; ``conflicts`` say with what."""

    http_status = 409

    def __init__(self, conflicts: list[rules.Conflict]):
        super().__init__(", ".join(c.reason for c in conflicts))
        self.conflicts = conflicts


class InvalidShift(SurveyError):
    http_status = 422


@dataclass(frozen=True)
class WeekGrid:
    unit: Unit
    monday: dt.date
    days: list[dt.date]
    counters: list[Counter]
    cells: dict[tuple[int, dt.date], list[DutyShift]]
    patterns: list[RosterPattern]
    absences: list[Absence]
    employees: list[Employee]


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.isoweekday() - 1)


def _slot(shift) -> rules.Slot:
    return rules.Slot(shift.employee_id, shift.counter_id, shift.day, shift.starts, shift.ends)


def week(session: Session, unit_id: int, monday: dt.date) -> WeekGrid:
    """The unit's roster for the week starting ``monday``: shifts per counter and day."""
    unit = org.unit(session, unit_id)
    monday = monday_of(monday)
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    counters = list(
        session.scalars(
            select(Counter).where(Counter.unit_id == unit.id, Counter.active).order_by(Counter.name)
        )
    )
    ids = [c.id for c in counters]
    shifts = session.scalars(
        select(DutyShift)
        .options(selectinload(DutyShift.employee))
        .where(DutyShift.counter_id.in_(ids), DutyShift.day >= days[0], DutyShift.day <= days[-1])
        .order_by(DutyShift.starts)
    )
    cells: dict[tuple[int, dt.date], list[DutyShift]] = {}
    for shift in shifts:
        cells.setdefault((shift.counter_id, shift.day), []).append(shift)
    staff = list(
        session.scalars(
            select(Employee)
            .where(Employee.unit_id == unit.id, Employee.active)
            .order_by(Employee.name)
        )
    )
    patterns = list(
        session.scalars(
            select(RosterPattern)
            .options(selectinload(RosterPattern.employee), selectinload(RosterPattern.counter))
            .where(RosterPattern.counter_id.in_(ids))
            .order_by(RosterPattern.weekday, RosterPattern.starts)
        )
    )
    absences = list(
        session.scalars(
            select(Absence)
            .options(selectinload(Absence.employee))
            .where(
                Absence.employee_id.in_([e.id for e in staff]),
                Absence.day >= days[0],
                Absence.day <= days[-1],
            )
            .order_by(Absence.day)
        )
    )
    return WeekGrid(unit, monday, days, counters, cells, patterns, absences, staff)


def nearby(session: Session, employee_id: int, counter_id: int, day: dt.date) -> list[rules.Slot]:
    """The shifts that could overlap a shift on ``day``: the employee's anywhere, the
    counter's by anyone, from the day before to the day after."""
    shifts = session.scalars(
        select(DutyShift).where(
            (DutyShift.employee_id == employee_id) | (DutyShift.counter_id == counter_id),
            DutyShift.day >= day - dt.timedelta(days=1),
            DutyShift.day <= day + dt.timedelta(days=1),
        )
    )
    return [_slot(s) for s in shifts]


# Weekly patterns are compared on one model week starting on this Monday.
MODEL_WEEK = dt.date(2001, 1, 1)


def stored_patterns(session: Session, employee_id: int, counter_id: int) -> list[rules.Pattern]:
    """The weekly patterns that could clash with one of this employee at this counter."""
    patterns = session.scalars(
        select(RosterPattern).where(
            (RosterPattern.employee_id == employee_id) | (RosterPattern.counter_id == counter_id)
        )
    )
    return [
        rules.Pattern(p.employee_id, p.counter_id, p.weekday, p.starts, p.ends) for p in patterns
    ]


def pattern_conflicts(stored: list[rules.Pattern], new: rules.Pattern) -> list[rules.Conflict]:
    """Why a weekly pattern cannot join the stored ones (compared on the model week)."""
    return rules.conflicts(rules.expand(stored, MODEL_WEEK), rules.expand([new], MODEL_WEEK)[0])


def _active_employee(session: Session, employee_id: int) -> Employee:
    employee = session.get(Employee, employee_id) if 0 < employee_id <= 2**31 - 1 else None
    if employee is None or not employee.active:
        raise InvalidShift("employee")
    return employee


def add_shift(
    session: Session,
    *,
    counter_id: int,
    employee_id: int,
    day: dt.date,
    starts: dt.time,
    ends: dt.time,
    by: str,
) -> DutyShift:
    """Add one shift; RosterConflict if it clashes. A day already begun is re-credited."""
    counter = org.counter(session, counter_id)
    employee = _active_employee(session, employee_id)
    new = rules.Slot(employee.id, counter.id, day, starts, ends)
    found = rules.conflicts(nearby(session, employee.id, counter.id, day), new)
    if found:
        raise RosterConflict(found)
    shift = DutyShift(
        employee_id=employee.id, counter_id=counter.id, day=day, starts=starts, ends=ends
    )
    session.add(shift)
    session.flush()
    _audit_shift(session, by, "roster.add_shift", shift, after=True)
    recredit(session, counter, {day, day + dt.timedelta(days=1)}, by=by)
    return shift


def remove_shift(session: Session, shift_id: int, *, by: str) -> DutyShift:
    shift = session.get(DutyShift, shift_id) if 0 < shift_id <= 2**31 - 1 else None
    if shift is None:
        raise NotFound(f"No shift {shift_id}.")
    counter, day = shift.counter, shift.day
    _audit_shift(session, by, "roster.remove_shift", shift, after=False)
    session.delete(shift)
    session.flush()
    recredit(session, counter, {day, day + dt.timedelta(days=1)}, by=by)
    return shift


def _audit_shift(session, by, action, shift, *, after: bool) -> None:
    state = audit.state(shift, ("employee_id", "counter_id", "day", "starts", "ends"))
    audit.record(
        session,
        actor=by,
        action=action,
        target_type="duty_shift",
        target_id=shift.id,
        label=f"{shift.counter.name if shift.counter else shift.counter_id} {shift.day}",
        before=None if after else state,
        after=state if after else None,
    )


def add_pattern(
    session: Session,
    *,
    counter_id: int,
    employee_id: int,
    weekday: int,
    starts: dt.time,
    ends: dt.time,
    by: str,
) -> RosterPattern:
    """Add a weekly shift; RosterConflict if it clashes with another weekly shift."""
    counter = org.counter(session, counter_id)
    employee = _active_employee(session, employee_id)
    if not 1 <= weekday <= 7:
        raise InvalidShift("weekday")
    new = rules.Pattern(employee.id, counter.id, weekday, starts, ends)
    found = pattern_conflicts(stored_patterns(session, employee.id, counter.id), new)
    if found:
        raise RosterConflict(found)
    pattern = RosterPattern(
        counter_id=counter.id, employee_id=employee.id, weekday=weekday, starts=starts, ends=ends
    )
    session.add(pattern)
    session.flush()
    audit.record(
        session,
        actor=by,
        action="roster.add_pattern",
        target_type="roster_pattern",
        target_id=pattern.id,
        label=f"{counter.name} {weekday}",
        after=audit.state(pattern, ("employee_id", "counter_id", "weekday", "starts", "ends")),
    )
    return pattern


def remove_pattern(session: Session, pattern_id: int, *, by: str) -> RosterPattern:
    pattern = session.get(RosterPattern, pattern_id) if 0 < pattern_id <= 2**31 - 1 else None
    if pattern is None:
        raise NotFound(f"No pattern {pattern_id}.")
    audit.record(
        session,
        actor=by,
        action="roster.remove_pattern",
        target_type="roster_pattern",
        target_id=pattern.id,
        label=f"{pattern.counter.name} {pattern.weekday}",
        before=audit.state(pattern, ("employee_id", "counter_id", "weekday", "starts", "ends")),
    )
    session.delete(pattern)
    session.flush()
    return pattern


@dataclass(frozen=True)
class Published:
    added: int
    skipped: list[tuple[rules.Slot, list[rules.Conflict]]]


def publish(session: Session, unit_id: int, monday: dt.date, *, by: str) -> Published:
    """Turn the unit's weekly patterns into the week's shifts, leaving out absences and
    any slot that would clash with a shift already there (reported, not forced)."""
    grid = week(session, unit_id, monday)
    absent = [(a.employee_id, a.day) for a in grid.absences]
    slots = rules.expand(
        [
            rules.Pattern(p.employee_id, p.counter_id, p.weekday, p.starts, p.ends)
            for p in grid.patterns
        ],
        grid.monday,
        absent,
    )
    added, skipped = 0, []
    for slot in slots:
        around = nearby(session, slot.employee_id, slot.counter_id, slot.day)
        if slot in around:
            continue  # published already: publishing twice changes nothing
        found = rules.conflicts(around, slot)
        if found:
            skipped.append((slot, found))
            continue
        session.add(
            DutyShift(
                employee_id=slot.employee_id,
                counter_id=slot.counter_id,
                day=slot.day,
                starts=slot.starts,
                ends=slot.ends,
            )
        )
        session.flush()
        added += 1
    audit.record(
        session,
        actor=by,
        action="roster.publish_week",
        target_type="unit",
        target_id=unit_id,
        label=f"{grid.unit.name} {grid.monday.isoformat()}",
        after={"week": grid.monday.isoformat(), "added": added, "skipped": len(skipped)},
    )
    for counter in grid.counters:
        recredit(session, counter, set(grid.days), by=by)
    return Published(added, skipped)


def add_absence(
    session: Session, employee_id: int, day: dt.date, note: str | None, *, by: str
) -> Absence:
    """Record that an employee does not serve on a day; their shifts of that day go."""
    employee = session.get(Employee, employee_id) if 0 < employee_id <= 2**31 - 1 else None
    if employee is None:
        raise NotFound(f"No employee {employee_id}.")
    found = session.scalar(
        select(Absence).where(Absence.employee_id == employee.id, Absence.day == day)
    )
    if found is None:
        found = Absence(employee_id=employee.id, day=day, note=(note or "").strip()[:200] or None)
        session.add(found)
        session.flush()
        audit.record(
            session,
            actor=by,
            action="roster.add_absence",
            target_type="employee",
            target_id=employee.id,
            label=employee.name,
            after={"day": day.isoformat()},
        )
    for shift in session.scalars(
        select(DutyShift).where(DutyShift.employee_id == employee.id, DutyShift.day == day)
    ):
        remove_shift(session, shift.id, by=by)
    return found


def board(
    session: Session, unit_id: int, at: dt.datetime | None = None
) -> list[tuple[Counter, StaffInfo | None]]:
    """Who is on duty now at each active counter of the unit (the survey path's answer)."""
    unit = org.unit(session, unit_id)
    at = at or utcnow()
    counters = session.scalars(
        select(Counter).where(Counter.unit_id == unit.id, Counter.active).order_by(Counter.name)
    )
    return [(c, roster.on_duty(session, c.id, unit.timezone, at)) for c in counters]


def _frozen(session: Session, day: dt.date) -> bool:
    """Whether a closed period (month, triwulan, semester or year) covers the day."""
    codes = (
        f"{day.year}-{day.month:02d}",
        f"{day.year}-Q{(day.month - 1) // 3 + 1}",
        f"{day.year}-S{1 if day.month <= 6 else 2}",
        f"{day.year}",
    )
    return any(snapshots.current(session, periods.parse(code)) is not None for code in codes)


def recredit(session: Session, counter: Counter, days: set[dt.date], *, by: str) -> int:
    """Credit again the responses opened at ``counter`` on ``days`` from the roster as it
    now is, skipping days of closed periods and days not yet begun; recount their
    buckets. Returns how many responses changed."""
    zone = counter.unit.timezone
    today = calendar.to_local(utcnow(), zone).date()
    open_days = sorted(d for d in days if d <= today and not _frozen(session, d))
    if not open_days:
        return 0
    responses = session.scalars(
        select(Response).where(
            Response.counter_id == counter.id,
            Response.service_date.in_(open_days),
            Response.attribution.in_([Attribution.ROSTER, Attribution.NONE]),
            Response.opened_at.is_not(None),
        )
    )
    changed, months = 0, set()
    cache: dict[dt.date, roster.RosterDay] = {}
    for response in responses:
        local = calendar.to_local(response.opened_at, zone)
        day = local.date()
        if day not in cache:
            cache[day] = roster.roster_day(session, counter.id, day)
        known = cache[day]
        staff = roster.serving(known, local)
        employee_id = staff.id if staff is not None else None
        attribution = Attribution.ROSTER if employee_id else Attribution.NONE
        if (response.employee_id, response.attribution) != (employee_id, attribution):
            response.employee_id, response.attribution = employee_id, attribution
            months.add((response.unit_id, response.service_date.replace(day=1)))
            changed += 1
    if changed:
        session.flush()
        rollups.recount(session, months)
        audit.record(
            session,
            actor=by,
            action="roster.recredit",
            target_type="counter",
            target_id=counter.id,
            label=counter.name,
            after={"days": [d.isoformat() for d in open_days], "responses": changed},
        )
    return changed
