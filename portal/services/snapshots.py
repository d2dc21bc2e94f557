"""Closed periods: every score of a period frozen, so an appraisal can cite it again.

Closing writes the score object of every employee and every unit, exactly as the API
would serve it that moment (``portal.services.appraisal``), as canonical JSON. From
then on the API serves those bytes: late answers, integrity reviews and roster
corrections move the live rollups, never a snapshot. Reopening (an administrator's
decision, with a reason) ends the snapshot's reign, not the snapshot: it stays readable
by its id, and closing again writes the next version.

Services flush; the CLI command or the request commits.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import Employee, PeriodSnapshot, SnapshotEntry, Unit, utcnow
from portal.services import appraisal, audit, integrity, reports
from portal.services.reports import Scope
from portal.services.viewer import Viewer, visible_units
from surveys import scoring
from surveys.appraisal import closes_at
from surveys.errors import NotFound, SurveyError
from surveys.periods import Period

EMPLOYEE, UNIT = "employee", "unit"


class NotClosable(SurveyError):
    """The period cannot be closed (yet): still running, in its grace days, or closed."""

    http_status = 409


class NotClosed(SurveyError):
    """The period is not closed, so there is nothing to reopen."""

    http_status = 409


class SnapshotNotFound(NotFound):
    """No snapshot with that id, or not one of the period asked about."""


def canonical(body: dict) -> str:
    """Return the one text form a score object is frozen in."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def current(session: Session, period: Period) -> PeriodSnapshot | None:
    """Return the snapshot that stands for ``period`` now, or None while it is open."""
    return session.scalar(
        select(PeriodSnapshot).where(
            PeriodSnapshot.period == period.code, PeriodSnapshot.reopened_at.is_(None)
        )
    )


def of_period(session: Session, period: Period, snapshot_id: int) -> PeriodSnapshot:
    """Return a snapshot of ``period`` by id, current or reopened."""
    found = session.get(PeriodSnapshot, snapshot_id)
    if found is None or found.period != period.code:
        raise SnapshotNotFound(f"No snapshot {snapshot_id} of {period.code}.")
    return found


def by_period(session: Session) -> dict[str, list[PeriodSnapshot]]:
    """Return every snapshot by period, oldest version first."""
    found: dict[str, list[PeriodSnapshot]] = {}
    rows = session.scalars(
        select(PeriodSnapshot).order_by(PeriodSnapshot.period, PeriodSnapshot.version)
    )
    for row in rows:
        found.setdefault(row.period, []).append(row)
    return found


def closable_from(session: Session, period: Period, grace_days: int) -> dt.datetime:
    """Return when ``period`` may close: its last day plus the grace days, everywhere."""
    zones = session.scalars(select(Unit.timezone).distinct())
    return closes_at(period, zones, grace_days)


def close(
    session: Session,
    period: Period,
    *,
    by: str,
    settings: appraisal.Settings,
    policy,
    grace_days: int,
    now: dt.datetime | None = None,
) -> PeriodSnapshot:
    """Freeze every employee's and unit's score of ``period``; return the snapshot."""
    now = now or utcnow()
    if period.kind not in appraisal.KINDS:
        raise NotClosable(f"{period.code} is not a year, semester, triwulan or month.")
    if current(session, period) is not None:
        raise NotClosable(f"{period.code} is already closed.")
    opens = closable_from(session, period, grace_days)
    if now < opens:
        raise NotClosable(
            f"{period.code} can be closed from {opens:%Y-%m-%d %H:%M} UTC "
            f"(its last day plus {grace_days} days of grace in every time zone)."
        )
    version = (
        session.scalar(
            select(func.max(PeriodSnapshot.version)).where(PeriodSnapshot.period == period.code)
        )
        or 0
    ) + 1
    snapshot = PeriodSnapshot(
        period=period.code, version=version, method=scoring.METHOD, closed_at=now, closed_by=by
    )
    session.add(snapshot)
    session.flush()
    viewer = Viewer.system(policy)
    _freeze_employees(session, viewer, period, snapshot, settings)
    _freeze_units(session, viewer, period, snapshot)
    audit.record(
        session,
        actor=by,
        action="period.close",
        target_type="period",
        target_id=snapshot.id,
        label=period.code,
        after=audit.state(snapshot, ("period", "version", "method")),
    )
    session.flush()
    return snapshot


def _freeze_employees(session, viewer, period, snapshot, settings) -> None:
    employees = list(session.scalars(select(Employee).order_by(Employee.nip)))
    scored = reports.for_employees(session, viewer, period, employees)
    excluded = integrity.by_employee(session, [e.id for e in employees], period)
    units = {u.id: u for u in session.scalars(select(Unit))}
    session.add_all(
        SnapshotEntry(
            snapshot_id=snapshot.id,
            kind=EMPLOYEE,
            subject_id=employee.id,
            unit_id=employee.unit_id,
            sort_key=employee.nip,
            body=canonical(
                appraisal.employee_object(
                    scored[employee.id],
                    employee,
                    units[employee.unit_id],
                    settings,
                    status=appraisal.CLOSED,
                    snapshot_id=snapshot.id,
                    excluded=excluded.get(employee.id),
                )
            ),
        )
        for employee in employees
    )


def _freeze_units(session, viewer, period, snapshot) -> None:
    for unit in session.scalars(select(Unit).order_by(Unit.id)):
        body = appraisal.unit_objects(session, viewer, period, unit.id)
        body["period"]["status"] = appraisal.CLOSED
        body["snapshot_id"] = snapshot.id
        session.add(
            SnapshotEntry(
                snapshot_id=snapshot.id,
                kind=UNIT,
                subject_id=unit.id,
                unit_id=unit.id,
                sort_key=f"{unit.id:012d}",
                body=canonical(body),
            )
        )


def reopen(
    session: Session, period: Period, *, by: str, reason: str, now: dt.datetime | None = None
) -> PeriodSnapshot:
    """Reopen a closed period, recording who and why; its snapshot stays readable."""
    reason = (reason or "").strip()
    if not reason:
        raise SurveyError("A reason is required to reopen a closed period.")
    snapshot = current(session, period)
    if snapshot is None:
        raise NotClosed(f"{period.code} is not closed.")
    snapshot.reopened_at = now or utcnow()
    snapshot.reopened_by = by
    snapshot.reopen_reason = reason[:2000]
    audit.record(
        session,
        actor=by,
        action="period.reopen",
        target_type="period",
        target_id=snapshot.id,
        label=period.code,
        before={"reopened_at": None},
        after=audit.state(snapshot, ("reopened_at", "reopen_reason")),
    )
    session.flush()
    return snapshot


def employee_entry(
    session: Session, viewer: Viewer, snapshot: PeriodSnapshot, nip: str
) -> str | None:
    """Return an employee's frozen object (JSON text), or None if the snapshot has no such NIP;
    raises ScopeNotFound when the viewer may not see the employee's unit of then."""
    entry = session.scalar(
        select(SnapshotEntry).where(
            SnapshotEntry.snapshot_id == snapshot.id,
            SnapshotEntry.kind == EMPLOYEE,
            SnapshotEntry.sort_key == nip,
        )
    )
    if entry is None:
        return None
    _check_visible(session, viewer, entry.unit_id)
    return entry.body


def unit_entry(session: Session, viewer: Viewer, snapshot: PeriodSnapshot, unit_id: int) -> str:
    """Return a unit's frozen object (its JSON text); NotFound if the snapshot has none."""
    _check_visible(session, viewer, unit_id)
    entry = session.scalar(
        select(SnapshotEntry).where(
            SnapshotEntry.snapshot_id == snapshot.id,
            SnapshotEntry.kind == UNIT,
            SnapshotEntry.subject_id == unit_id,
        )
    )
    if entry is None:  # a unit created after the period closed
        raise NotFound(f"No unit {unit_id} in snapshot {snapshot.id}.")
    return entry.body


def employee_entries(
    session: Session,
    viewer: Viewer,
    snapshot: PeriodSnapshot,
    *,
    unit_id: int | None,
    after: str | None,
    limit: int,
) -> list[str]:
    """Return a page of frozen employee objects (JSON texts) in NIP order, within the viewer's scope
    (and ``unit_id``'s subtree as it is now), after the NIP ``after``."""
    query = select(SnapshotEntry.body).where(
        SnapshotEntry.snapshot_id == snapshot.id, SnapshotEntry.kind == EMPLOYEE
    )
    units = reports.units_within(session, viewer, unit_id)
    if units is not None:
        query = query.where(SnapshotEntry.unit_id.in_(units))
    if after is not None:
        query = query.where(SnapshotEntry.sort_key > after)
    query = query.order_by(SnapshotEntry.sort_key).limit(limit)
    return list(session.scalars(query))


def _check_visible(session: Session, viewer: Viewer, unit_id: int) -> None:
    units = visible_units(session, viewer)
    if units is not None and unit_id not in units:
        raise reports.ScopeNotFound(f"No unit {unit_id}.")


__all__ = ["Scope", "close", "current", "reopen"]
