"""The score objects the appraisal module pulls: one per employee (by NIP) and per unit.

Each object is built here, once, from ``portal.services.reports`` (so the numbers are
the dashboard's numbers) and nothing else: the API serves it, the evidence export
flattens it, and closing a period freezes it (``portal.services.snapshots``). An object
is plain JSON data (numbers, strings, lists), so a frozen copy serves back exactly.

What a number means, and what it must not be used for, is in ``docs/api.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Employee, Rollup, Unit
from portal.services import integrity, reports
from portal.services.reports import Scope, SliceReport
from portal.services.viewer import Viewer
from surveys import instruments, periods, scoring
from surveys.appraisal import Thresholds
from surveys.periods import Period

OPEN, CLOSED = "open", "closed"
NO_RESPONSES, TOO_FEW = "no_responses", "too_few_respondents"
# Periods the appraisal module may ask for and close: no ad-hoc date ranges.
KINDS = ("month", "quarter", "semester", "year")


@dataclass(frozen=True)
class Settings:
    """What every score object is judged and worded by, configured once."""

    thresholds: Thresholds


@cache
def unsur_names() -> dict[str, str]:
    """Return each unsur's official Indonesian name, from the default questionnaire."""
    return {item.code: item.unsur["id"] for item in instruments.load().items}


def _number(value: Decimal | None) -> float | None:
    # Published values are already rounded once (surveys.scoring); a float prints them
    # back exactly (78.43 -> 78.43), which a JSON number is.
    return None if value is None else float(value)


def period_object(period: Period, status: str = OPEN) -> dict:
    """Return the period as the API names it: its code, first and last local day."""
    last = period.end.toordinal() - 1
    return {
        "id": period.code,
        "start": period.start.isoformat(),
        "end": type(period.start).fromordinal(last).isoformat(),
        "status": status,
    }


def parse_period(text: str) -> Period:
    """Return a standard period (year, semester, triwulan, month) or raise InvalidPeriod."""
    period = periods.parse(text)
    if period.kind not in KINDS:
        raise periods.InvalidPeriod(
            f"{text!r}: the appraisal API reports on a year (2026), semester (2026-S2), "
            "triwulan (2026-Q3) or month (2026-07), not a date range."
        )
    return period


def _unsur(report: SliceReport) -> list[dict]:
    names = unsur_names()
    result = []
    for code in sorted(report.score.unsur):
        unsur = report.score.unsur[code]
        shown = report.unsur_sufficient(code)
        result.append(
            {
                "code": code,
                "name": names.get(code, code),
                "respondents": unsur.respondents,
                "nrr": _number(unsur.nrr) if shown else None,
                "grade": unsur.grade.letter if shown else None,
            }
        )
    return result


def _headline(report: SliceReport) -> dict:
    """Return respondents, IKM, score, grade, interval and validity, hidden when invalid."""
    valid = report.sufficient
    score = report.score
    reason = None
    if not valid:
        reason = NO_RESPONSES if not score.has_data else TOO_FEW
    interval = score.interval if valid else None
    return {
        "respondents": report.respondents,
        "valid": valid,
        "reason": reason,
        "ikm": _number(score.index) if valid else None,
        "score": _number(score.converted) if valid else None,
        "grade": score.grade if valid else None,
        "label": score.label if valid else None,
        "ci95": None
        if interval is None
        else {"low": float(interval[0]), "high": float(interval[1])},
    }


def employee_object(
    report: SliceReport,
    employee: Employee,
    unit: Unit,
    settings: Settings,
    *,
    status: str = OPEN,
    snapshot_id: int | None = None,
    excluded: integrity.Summary | None = None,
) -> dict:
    """Return one employee's score object (the API's ``EmployeeScore``).

    ``excluded``: the employee's flagged responses in the period (``integrity.by_employee``).
    """
    head = _headline(report)
    personal = report.personal
    personal_valid = report.personal_sufficient
    thresholds = settings.thresholds
    return {
        "nip": employee.nip,
        "name": employee.name,
        "unit": {"id": unit.id, "name": unit.name},
        "period": period_object(report.period, status),
        **head,
        "minimum_respondents": report.minimum_for_person,
        "unsur": _unsur(report),
        "personal_index": {
            "value": _number(personal.converted) if personal_valid else None,
            "respondents": personal.respondents if personal is not None else 0,
            "valid": personal_valid,
        },
        "suggested_expectation": (
            thresholds.suggest(report.score.converted) if head["valid"] else None
        ),
        "expectation_thresholds": {
            "above": float(thresholds.above),
            "meets": float(thresholds.meets),
        },
        # Responses crediting this employee that the integrity rules (or a reviewer)
        # left out of every number above, by flag; one response may have several.
        "excluded_responses": (excluded or integrity.NONE).as_api(),
        "method": scoring.METHOD,
        "snapshot_id": snapshot_id,
    }


def unit_object(
    report: SliceReport,
    unit: Unit,
    children: list[tuple[Unit, SliceReport]],
    *,
    status: str = OPEN,
    snapshot_id: int | None = None,
) -> dict:
    """Return one unit's score object (the API's ``UnitScore``), with its children's."""
    return {
        "unit": {"id": unit.id, "name": unit.name},
        "period": period_object(report.period, status),
        **_headline(report),
        "unsur": _unsur(report),
        "children": [
            {"unit": {"id": child.id, "name": child.name}, **_headline(child_report)}
            for child, child_report in children
        ],
        "method": scoring.METHOD,
        "snapshot_id": snapshot_id,
    }


def employees_in_scope(
    session: Session, viewer: Viewer, *, unit_id: int | None = None, after: str | None = None
):
    """Return a query of the employees the viewer may see, by NIP, optionally inside
    ``unit_id``'s subtree and after a NIP (the cursor)."""
    query = select(Employee).order_by(Employee.nip)
    units = reports.units_within(session, viewer, unit_id)
    if units is not None:
        query = query.where(Employee.unit_id.in_(units))
    if after is not None:
        query = query.where(Employee.nip > after)
    return query


def employee_objects(
    session: Session,
    viewer: Viewer,
    period: Period,
    employees: list[Employee],
    settings: Settings,
) -> list[dict]:
    """Return the live score objects of ``employees``, in the order given."""
    scored = reports.for_employees(session, viewer, period, employees)
    excluded = integrity.by_employee(session, [e.id for e in employees], period)
    units = {
        u.id: u
        for u in session.scalars(select(Unit).where(Unit.id.in_({e.unit_id for e in employees})))
    }
    return [
        employee_object(scored[e.id], e, units[e.unit_id], settings, excluded=excluded.get(e.id))
        for e in employees
    ]


def unit_objects(session: Session, viewer: Viewer, period: Period, unit_id: int) -> dict:
    """Return the live score object of one unit, its children listed whether or not
    they had responses."""
    report = reports.score_for(session, viewer, Scope("unit", unit_id), period)
    unit = session.get(Unit, unit_id)
    by_child = {
        r.scope.id: r
        for r in reports.breakdown(session, viewer, Scope("unit", unit_id), period, "unit")
    }
    children = session.scalars(
        select(Unit).where(Unit.parent_id == unit_id).order_by(Unit.name, Unit.id)
    )
    pairs = [
        (
            child,
            by_child.get(child.id)
            or reports.empty(Scope("unit", child.id), period, child.name, viewer),
        )
        for child in children
    ]
    return unit_object(report, unit, pairs)


def known_periods(session: Session) -> list[Period]:
    """Return every standard period that holds a month with responses, newest first."""
    months = session.scalars(select(Rollup.month).distinct())
    codes: set[str] = set()
    for month in months:
        quarter, half = (month.month - 1) // 3 + 1, 1 if month.month <= 6 else 2
        codes |= {
            f"{month.year}",
            f"{month.year}-S{half}",
            f"{month.year}-Q{quarter}",
            f"{month:%Y-%m}",
        }
    return newest_first(periods.parse(code) for code in codes)


def newest_first(found) -> list[Period]:
    """Return periods by start, newest first; at one start, the shortest first."""
    order = {kind: n for n, kind in enumerate(KINDS[::-1])}
    return sorted(found, key=lambda p: (p.start, order[p.kind]), reverse=True)
