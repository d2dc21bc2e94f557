"""The dashboard's downloads: score tables, and anonymous respondent-level data.

Both go through the same services as the pages (``portal.services.reports`` for
scores), so a number in a file is the number on the screen. Respondent-level rows are
anonymous: no client hash, no employee (a single response about a person is exactly
the number the minimum-respondent rule keeps from being shown), the profile as the
citizen gave it.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import Response
from portal.services import reports
from portal.services.reports import Scope, SliceReport
from portal.services.spreadsheets import Sheet
from portal.services.viewer import Viewer
from surveys import calendar
from surveys.instruments import UNSUR_CODES
from surveys.periods import Period

SCORE_HEADER = (
    "kind",
    "id",
    "name",
    "respondents",
    "valid",
    "ikm",
    "score",
    "grade",
    "ci95_low",
    "ci95_high",
    "personal_index",
)
TITLES = {
    "unit": "Unit",
    "counter": "Loket",
    "employee": "Pegawai",
    "service_type": "Jenis layanan",
}
RESPONDENT_HEADER = (
    "service_date",
    "local_time",
    "unit",
    "counter",
    "service_type",
    *UNSUR_CODES,
    "sex",
    "age",
    "education",
    "occupation",
    "comment",
    "language",
)


def _score_row(kind: str, report: SliceReport) -> list:
    valid = report.sufficient
    score = report.score
    interval = score.interval if valid else None
    return [
        kind,
        report.scope.id,
        report.name,
        report.respondents,
        valid,
        score.index if valid else None,
        score.converted if valid else None,
        score.grade if valid else None,
        interval[0] if interval else None,
        interval[1] if interval else None,
        report.personal.converted if kind == "employee" and report.personal_sufficient else None,
    ]


def score_tables(session: Session, viewer: Viewer, scope: Scope, period: Period) -> list[Sheet]:
    """Return the scope's own score and one table per breakdown, as the dashboard shows."""
    overall = reports.score_for(session, viewer, scope, period)
    sheets = [Sheet("IKM", SCORE_HEADER, [_score_row("total", overall)])]
    for kind in ("unit", "counter", "employee", "service_type"):
        rows = reports.breakdown(session, viewer, scope, period, kind)
        sheets.append(Sheet(TITLES[kind], SCORE_HEADER, [_score_row(kind, r) for r in rows]))
    return sheets


def respondents(session: Session, viewer: Viewer, scope: Scope, period: Period) -> list[Sheet]:
    """Return every counted response of the scope and period, anonymous, oldest first."""
    units = reports.unit_subtree(session, viewer, scope.id)
    query = (
        select(Response)
        .where(
            Response.unit_id.in_(units),
            Response.service_date >= period.start,
            Response.service_date < period.end,
            # The export holds what the scores count; flagged-out responses are not.
            Response.excluded.is_(False),
        )
        .options(
            selectinload(Response.unit),
            selectinload(Response.counter),
            selectinload(Response.service_type),
        )
        .order_by(Response.submitted_at, Response.id)
        .execution_options(yield_per=2000)
    )

    def rows():
        for r in session.scalars(query):
            local = calendar.to_local(r.submitted_at, r.unit.timezone)
            yield [
                r.service_date.isoformat(),
                local.strftime("%Y-%m-%d %H:%M"),
                r.unit.name,
                r.counter.name if r.counter else None,
                r.service_type.name if r.service_type else None,
                *(r.answers[code] for code in UNSUR_CODES),
                r.sex,
                r.age,
                r.education,
                r.occupation,
                r.comment,
                r.language,
            ]

    return [Sheet("Responden", RESPONDENT_HEADER, rows())]


def filename(unit_name: str, period: Period, what: str, fmt: str) -> str:
    """Return e.g. ``skm-disdukcapil-2026-Q3-skor.xlsx``: unit, period and filters."""
    slug = re.sub(r"[^a-z0-9]+", "-", unit_name.lower()).strip("-")[:60] or "unit"
    code = re.sub(r"[^0-9A-Za-z.-]+", "-", period.code)
    return f"skm-{slug}-{code}-{what}.{fmt}"
