"""The SKM report (laporan SKM) of one unit and period, in the regulation's order.

PermenPAN-RB 14/2017 reports a survey as: method and sample (population, required
sample, respondents, period) → results (NRR per unsur, IKM, mutu) → respondent profile
→ the weakest unsur → the follow-up plan → publication. This service gathers exactly
that, from the same services every other page reads (``reports``, ``population``,
``profile``, ``followup``, ``comments``), so the printed page, its PDF and the
dashboard can never disagree. No employee is ranked here: a unit's report is about
the service, and scores about a person go to the appraisal, not to print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from portal.models import FollowUpAction, Unit
from portal.services import comments, followup, org, population, profile, reports
from portal.services.viewer import Viewer
from surveys.periods import Period, trailing_months

# How many comments the report quotes, of the least satisfied respondents and the newest.
QUOTED = 5
# The newest comments of respondents whose own mean is in grade D ("tidak baik"): read
# newest first, so the report costs the same however many comments a year holds.
DISSATISFIED = comments.Filters(score_max=64.99)


@dataclass(frozen=True)
class SkmReport:
    unit: Unit
    lineage: list[Unit]
    period: Period
    overall: reports.SliceReport
    # Unsur from weakest to strongest (by NRR), for the analysis section.
    ranked_unsur: list
    trend: list[reports.SliceReport]
    children: list[reports.SliceReport]
    profile: dict[str, list[profile.Cell]]
    minimum_cell: int
    plan: list[FollowUpAction]
    comment_count: int
    critical: list[comments.Comment]
    newest: list[comments.Comment]

    @property
    def last_day(self) -> dt.date:
        return self.period.end - dt.timedelta(days=1)


def build(
    session: Session, viewer: Viewer, unit_id: int, period: Period, *, minimum_cell: int
) -> SkmReport:
    """Return the SKM report of the unit (and the units below it) for the period."""
    unit = org.unit(session, unit_id)
    scope = reports.Scope("unit", unit.id)
    overall = population.unit_report(session, viewer, unit.id, period)
    ranked = sorted(overall.score.unsur.values(), key=lambda u: (u.exact, u.code))
    children = reports.breakdown(session, viewer, scope, period, "unit")
    children.sort(key=lambda r: (r.score.converted is None, -(r.score.converted or 0)))
    return SkmReport(
        unit=unit,
        lineage=org.lineage(session, unit),
        period=period,
        overall=overall,
        ranked_unsur=ranked,
        trend=reports.trend(session, viewer, scope, trailing_months(period), "month"),
        children=children,
        profile=profile.profile(session, viewer, scope, period, minimum=minimum_cell),
        minimum_cell=minimum_cell,
        plan=followup.plan(session, viewer, unit.id, period),
        comment_count=comments.count(session, viewer, scope, period),
        critical=comments.search(
            session, viewer, scope, period, DISSATISFIED, per_page=QUOTED
        ).comments,
        newest=comments.search(session, viewer, scope, period, per_page=QUOTED).comments,
    )
