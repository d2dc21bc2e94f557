"""Who answered: the respondent profile of a slice, with small cells suppressed.

The regulation's report describes its respondents by sex, age, education and
occupation. A count of 1 or 2 in a small unit can point at a person, so any cell
below the configured minimum (``PROFILE_MIN_CELL``, default 5) is shown as suppressed,
never as its number; "not stated" is a category like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from portal.models import Response
from portal.services import reports
from portal.services.reports import Scope
from portal.services.viewer import Viewer
from surveys.periods import Period
from surveys.respondents import AGE_BANDS, sort_key

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
    """Return, per dimension, the respondents per category, suppressing small cells."""
    units = reports.unit_subtree(session, viewer, scope.id)
    result = {}
    for name in dimensions:
        column = DIMENSIONS[name]().label("category")
        query = (
            select(column, func.count())
            .where(
                Response.unit_id.in_(units),
                Response.service_date >= period.start,
                Response.service_date < period.end,
            )
            .group_by(column)
        )
        cells = [
            Cell(str(value), count if count >= minimum else None)
            for value, count in session.execute(query)
            if count
        ]
        result[name] = sorted(cells, key=lambda cell, name=name: sort_key(name, cell.value))
    return result
