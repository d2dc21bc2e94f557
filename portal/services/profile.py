"""Who answered: the respondent profile of a slice, with small cells suppressed.

The regulation's report describes its respondents by sex, age, education and
occupation. A count of 1 or 2 in a small unit can point at a person, so any cell
below the configured minimum (``PROFILE_MIN_CELL``, default 5) is shown as suppressed,
never as its number; "not stated" is a category like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from portal.models import ProfileRollup, Response
from portal.services import reports
from portal.services.reports import Scope
from portal.services.viewer import Viewer
from surveys.instruments import UNSUR_CODES
from surveys.periods import Period
from surveys.respondents import AGE_BANDS, PROFILE_COLUMNS, category_of, sort_key

NOT_STATED = ""


@dataclass(frozen=True)
class Cell:
    value: str  # the category ("" for not stated)
    count: int | None  # None: suppressed (fewer than the minimum, but not none)


def _age_band():
    whens = []
    for low, high, label in AGE_BANDS:
        condition = Response.age.is_not(None)
        if low is not None:
            condition &= Response.age >= low
        if high is not None:
            condition &= Response.age <= high
        whens.append((condition, label))
    return case(*whens, else_=NOT_STATED)


DIMENSIONS = {
    "sex": lambda: func.coalesce(Response.sex, NOT_STATED),
    "age": _age_band,
    "education": lambda: func.coalesce(Response.education, NOT_STATED),
    "occupation": lambda: func.coalesce(Response.occupation, NOT_STATED),
}


def profile(
    session: Session,
    viewer: Viewer,
    scope: Scope,
    period: Period,
    *,
    minimum: int,
    dimensions: tuple[str, ...] = tuple(DIMENSIONS),
) -> dict[str, list[Cell]]:
    """Return, per dimension, the respondents per category, suppressing small cells.

    Whole months are summed from the profile buckets (``rollups.PROFILE``); only the
    ragged days of a date range are counted from raw responses, so the cost does not
    grow with the responses stored.
    """
    units = reports.unit_subtree(session, viewer, scope.id)
    counts: dict[str, dict[str, int]] = {name: {} for name in dimensions}
    months = period.whole_months()
    table = ProfileRollup.__table__
    if months:
        # One row back, whatever the size of the subtree or the year: a sum per column.
        names = [name for name, dimension, _ in PROFILE_COLUMNS if dimension in counts]
        query = select(*(func.coalesce(func.sum(table.c[name]), 0) for name in names)).where(
            table.c.unit_id.in_(units), table.c.month >= months[0], table.c.month < months[1]
        )
        sums = dict(zip(names, session.execute(query).one(), strict=True))
        for name, dimension, category in PROFILE_COLUMNS:
            if dimension in counts and sums[name]:
                counts[dimension][category] = counts[dimension].get(category, 0) + int(sums[name])
    loose = period.loose_days() if months else [(period.start, period.end)]
    for start, end in loose:
        for name in dimensions:
            column = DIMENSIONS[name]().label("category")
            query = (
                select(column, func.count())
                .where(
                    Response.unit_id.in_(units),
                    Response.service_date >= start,
                    Response.service_date < end,
                    _answered(),
                    Response.excluded.is_(False),  # as the buckets: counted responses only
                )
                .group_by(column)
            )
            for value, count in session.execute(query):
                # Counted under the same categories as the buckets (an unknown value: "*").
                key = category_of(name, value)
                counts[name][key] = counts[name].get(key, 0) + count
    result = {}
    for name in dimensions:
        cells = [
            Cell(value, count if count >= minimum else None)
            for value, count in counts[name].items()
            if count
        ]
        result[name] = sorted(cells, key=lambda cell, name=name: sort_key(name, cell.value))
    return result


def _answered():
    """A respondent answered at least one item (as in every rollup bucket)."""
    return or_(*(getattr(Response, code.lower()).is_not(None) for code in UNSUR_CODES))
