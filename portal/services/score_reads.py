"""Where a score object is read from: a closed period's snapshot, or the live rollups.

The API, the evidence export and the admin downloads all read through here, so a
closed period answers from its frozen bytes everywhere and an open one from
``portal.services.appraisal`` everywhere. A frozen object comes back as ``Frozen``:
its stored JSON text, which the API sends as it is (it was built to the API's schema
when the period closed) and an export parses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Employee, PeriodSnapshot, Unit
from portal.services import appraisal, org, snapshots
from portal.services.viewer import Viewer
from surveys.errors import NotFound
from surveys.periods import Period


@dataclass(frozen=True)
class Frozen:
    """A score object as frozen in a snapshot: canonical JSON text."""

    text: str

    def data(self) -> dict:
        return json.loads(self.text)


def as_data(obj: dict | Frozen) -> dict:
    return obj.data() if isinstance(obj, Frozen) else obj


@dataclass(frozen=True)
class Source:
    """The period asked about and the snapshot that answers for it (None: live)."""

    period: Period
    snapshot: PeriodSnapshot | None

    @property
    def status(self) -> str:
        return appraisal.CLOSED if self.snapshot is not None else appraisal.OPEN


def source(session: Session, period: Period, snapshot_id: int | None = None) -> Source:
    """Return the snapshot asked for by id, else the period's current one, else live."""
    if snapshot_id is not None:
        return Source(period, snapshots.of_period(session, period, snapshot_id))
    return Source(period, snapshots.current(session, period))


def employee(
    session: Session, viewer: Viewer, src: Source, nip: str, settings: appraisal.Settings
) -> dict | Frozen:
    """Return one employee's object; NotFound for an unknown NIP, ScopeNotFound for one
    outside the viewer's scope."""
    if src.snapshot is not None:
        body = snapshots.employee_entry(session, viewer, src.snapshot, nip)
        if body is None:
            raise NotFound(f"No employee with NIP {nip} in {src.period.code}.")
        return Frozen(body)
    found = session.scalar(select(Employee).where(Employee.nip == nip))
    if found is None:
        raise NotFound(f"No employee with NIP {nip}.")
    (body,) = appraisal.employee_objects(session, viewer, src.period, [found], settings)
    return body


def employees(
    session: Session,
    viewer: Viewer,
    src: Source,
    settings: appraisal.Settings,
    *,
    unit_id: int | None = None,
    after: str | None = None,
    limit: int = 500,
) -> list[dict] | list[Frozen]:
    """Return up to ``limit`` employee objects in NIP order after the NIP ``after``."""
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise NotFound(f"No unit with id {unit_id}.")
    if src.snapshot is not None:
        texts = snapshots.employee_entries(
            session, viewer, src.snapshot, unit_id=unit_id, after=after, limit=limit
        )
        return [Frozen(text) for text in texts]
    query = appraisal.employees_in_scope(session, viewer, unit_id=unit_id, after=after)
    found = list(session.scalars(query.limit(limit)))
    return appraisal.employee_objects(session, viewer, src.period, found, settings)


def every_employee(
    session: Session, viewer: Viewer, src: Source, settings: appraisal.Settings, page: int = 500
):
    """Yield every employee object (as data) in the viewer's scope, in NIP order."""
    after = None
    while True:
        batch = [
            as_data(o) for o in employees(session, viewer, src, settings, after=after, limit=page)
        ]
        yield from batch
        if len(batch) < page:
            return
        after = batch[-1]["nip"]


def unit(session: Session, viewer: Viewer, src: Source, unit_id: int) -> dict | Frozen:
    """Return a unit's object; NotFound if there is no such unit."""
    org.unit(session, unit_id)  # NotFound for an id that names no unit
    if src.snapshot is not None:
        return Frozen(snapshots.unit_entry(session, viewer, src.snapshot, unit_id))
    return appraisal.unit_objects(session, viewer, src.period, unit_id)
