"""The citizens a unit served in a period, as its head entered them (the SKM's N).

Read by every report of the unit as a whole for exactly that period: the dashboard, the
SKM report and the public page judge the sample against it
(``surveys.scoring.adequacy``) and narrow the interval with the finite-population
correction. A slice inside the unit (a counter, an employee) or another period has no
N of its own. Services flush; the request commits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Role, ServedPopulation, utcnow
from portal.services import audit, reports
from portal.services.viewer import Viewer
from surveys.errors import SurveyError
from surveys.periods import Period

# Above any Indonesian Regency's population; a typo beyond it is refused, not stored.
MAXIMUM = 10_000_000


class InvalidPopulation(SurveyError):
    """A number served that is not a whole number from 1 to MAXIMUM."""

    http_status = 422


def served(session: Session, viewer: Viewer, unit_id: int, period: Period) -> int | None:
    """Return the number the unit served in the period, or None if nobody entered it."""
    reports.unit_subtree(session, viewer, unit_id)
    return session.scalar(
        select(ServedPopulation.population).where(
            ServedPopulation.unit_id == unit_id, ServedPopulation.period == period.code
        )
    )


def enter(
    session: Session, viewer: Viewer, unit_id: int, period: Period, population: int, *, by: str
) -> ServedPopulation:
    """Record (or replace) the number the unit served in the period."""
    if viewer.role not in (Role.ADMIN, Role.UNIT_HEAD):
        raise reports.ScopeNotFound("Only a unit head or an administrator enters it.")
    reports.unit_subtree(session, viewer, unit_id)
    if not 1 <= population <= MAXIMUM:
        raise InvalidPopulation(f"Population must be 1 to {MAXIMUM}, not {population}.")
    found = session.scalar(
        select(ServedPopulation).where(
            ServedPopulation.unit_id == unit_id, ServedPopulation.period == period.code
        )
    )
    before = None
    if found is None:
        found = ServedPopulation(unit_id=unit_id, period=period.code)
        session.add(found)
    else:
        before = {"population": found.population}
    found.population, found.entered_by, found.entered_at = population, by, utcnow()
    session.flush()
    audit.record(
        session,
        actor=by,
        action="population.enter",
        target_type="unit",
        target_id=unit_id,
        label=period.code,
        before=before,
        after={"population": population},
    )
    return found


def unit_report(
    session: Session, viewer: Viewer, unit_id: int, period: Period
) -> reports.SliceReport:
    """Return the score of a unit as a whole for the period, judged against its N."""
    return reports.score_for(
        session,
        viewer,
        reports.Scope("unit", unit_id),
        period,
        population=served(session, viewer, unit_id, period),
    )
