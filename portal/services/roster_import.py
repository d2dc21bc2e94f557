"""Importing a unit's roster from CSV or XLSX, checked like an employee list.

Columns (Indonesian or English headers): ``loket``/``counter`` (a counter of the unit,
by name or number), ``nip``, then either ``tanggal``/``date`` (a single shift on that
day) or ``hari``/``weekday`` (a weekly pattern: Sen ... Min, Senin, Mon, 1-7), and
``mulai``/``from`` and ``selesai``/``to`` (HH:MM). A dry run lists every bad line by
number and reason (unknown loket or NIP, bad day or time, a clash with the roster or
with an earlier line) and writes nothing; applying adds every good line through
``duty_roster``, which checks clashes again, re-credits past days and audits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Employee
from portal.services import duty_roster, employee_import, org
from surveys import hours
from surveys import nip as nips
from surveys import roster as rules
from surveys.employee_rows import Problem

HEADERS = {
    "counter": ("loket", "counter", "nama loket"),
    "nip": ("nip", "nip pegawai"),
    "date": ("tanggal", "date"),
    "weekday": ("hari", "weekday", "day"),
    "starts": ("mulai", "from", "jam mulai", "starts"),
    "ends": ("selesai", "to", "jam selesai", "ends"),
}
REQUIRED = ("counter", "nip", "starts", "ends")


@dataclass
class Plan:
    problems: list[Problem] = field(default_factory=list)
    shifts: list[rules.Slot] = field(default_factory=list)
    patterns: list[rules.Pattern] = field(default_factory=list)


def _columns(header) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(header):
        name = " ".join(str(cell or "").replace("_", " ").split()).lower().lstrip("\ufeff")
        for key, names in HEADERS.items():
            if key not in found and name in names:
                found[key] = index
    missing = [k for k in REQUIRED if k not in found]
    if missing or ("date" not in found and "weekday" not in found):
        raise employee_import.FileProblem("missing_column", ", ".join(missing or ["tanggal/hari"]))
    return found


def _time(value) -> dt.time | None:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value or "").strip().replace(".", ":"))
    except ValueError:
        return None


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        return None


def plan(session: Session, unit_id: int, data: bytes) -> Plan:
    """Read and check a roster file for one unit; writes nothing."""
    unit = org.unit(session, unit_id)
    records = employee_import.records(data)
    try:
        _, header = next(records)
    except StopIteration:
        raise employee_import.FileProblem("empty") from None
    columns = _columns(header)
    counters = {c.name.strip().lower(): c.id for c in org.counters_of_unit(session, unit.id)}
    counters.update({str(i): i for i in list(counters.values())})
    staff = dict(session.execute(select(Employee.nip, Employee.id).where(Employee.active)).all())
    result = Plan()
    taken_shifts: list[rules.Slot] = []
    taken_patterns: list[rules.Pattern] = []

    def cell(cells, key):
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    for line, cells in records:
        if not any(str(c or "").strip() for c in cells):
            continue
        counter_id = counters.get(str(cell(cells, "counter") or "").strip().lower())
        if counter_id is None:
            result.problems.append(
                Problem(line, "unknown_counter", str(cell(cells, "counter") or ""))
            )
            continue
        employee_id = staff.get(nips.normalize(str(cell(cells, "nip") or "")))
        if employee_id is None:
            result.problems.append(Problem(line, "unknown_nip", str(cell(cells, "nip") or "")))
            continue
        starts, ends = _time(cell(cells, "starts")), _time(cell(cells, "ends"))
        if starts is None or ends is None:
            result.problems.append(
                Problem(line, "bad_time", f"{cell(cells, 'starts')}-{cell(cells, 'ends')}")
            )
            continue
        day = _date(cell(cells, "date")) if str(cell(cells, "date") or "").strip() else None
        weekday = hours.weekday(str(cell(cells, "weekday") or "")) if day is None else None
        if day is None and weekday is None:
            result.problems.append(
                Problem(line, "bad_day", str(cell(cells, "date") or cell(cells, "weekday") or ""))
            )
            continue
        if day is not None:
            slot = rules.Slot(employee_id, counter_id, day, starts, ends)
            existing = duty_roster.nearby(session, employee_id, counter_id, day)
            if slot in existing:
                continue  # on the roster already: importing twice changes nothing
            clash = rules.conflicts(existing + taken_shifts, slot)
            if clash:
                result.problems.append(Problem(line, clash[0].reason, f"{day} {starts:%H:%M}"))
                continue
            taken_shifts.append(slot)
            result.shifts.append(slot)
        else:
            pattern = rules.Pattern(employee_id, counter_id, weekday, starts, ends)
            stored = duty_roster.stored_patterns(session, employee_id, counter_id)
            if pattern in stored:
                continue
            clash = duty_roster.pattern_conflicts(stored + taken_patterns, pattern)
            if clash:
                result.problems.append(Problem(line, clash[0].reason, f"{weekday} {starts:%H:%M}"))
                continue
            taken_patterns.append(pattern)
            result.patterns.append(pattern)
    return result


def apply(session: Session, found: Plan, *, by: str) -> None:
    """Add every good line of a checked plan (clashes are checked again as they go in)."""
    for slot in found.shifts:
        duty_roster.add_shift(
            session,
            counter_id=slot.counter_id,
            employee_id=slot.employee_id,
            day=slot.day,
            starts=slot.starts,
            ends=slot.ends,
            by=by,
        )
    for pattern in found.patterns:
        duty_roster.add_pattern(
            session,
            counter_id=pattern.counter_id,
            employee_id=pattern.employee_id,
            weekday=pattern.weekday,
            starts=pattern.starts,
            ends=pattern.ends,
            by=by,
        )
