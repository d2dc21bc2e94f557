"""What citizens wrote: their comments, newest first, for the people who act on them.

A comment is read with the answers it came with and the local time of service. Unit
heads read the comments of their unit and below, leadership and administrators all,
an employee only those on responses credited to them (``portal.services.viewer``).
Comments are free text from anonymous citizens: nothing here reveals who wrote them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import Float, case, cast, func, select, text
from sqlalchemy.orm import Session, selectinload

from portal.models import Response, Role
from portal.services import reports
from portal.services.reports import Scope
from portal.services.viewer import Viewer
from surveys import calendar, scoring
from surveys.instruments import UNSUR_CODES
from surveys.periods import Period

PER_PAGE = 20
COMMENTED = text("response.comment IS NOT NULL AND response.comment <> ''")
SEARCH_MAX = 100


@dataclass(frozen=True)
class Filters:
    """What a reader narrows the comments by; every field optional."""

    text: str = ""
    counter_id: int | None = None
    employee_id: int | None = None
    service_type_id: int | None = None
    # The respondent's own mean answer, converted to 25-100 like a score.
    score_min: float | None = None
    score_max: float | None = None


@dataclass(frozen=True)
class Comment:
    response: Response
    local_time: dt.datetime
    score: Decimal | None  # the respondent's own mean answer, converted (25-100)


@dataclass(frozen=True)
class Page:
    comments: list[Comment]
    number: int
    has_next: bool


def own_score(answers: dict[str, int | None]) -> Decimal | None:
    """Return a respondent's own mean answer x 25, rounded once (None if all blank)."""
    given = [v for v in answers.values() if v is not None]
    if not given:
        return None
    return scoring.half_up(Fraction(sum(given) * scoring.CONVERSION, len(given)))


def _own_score():
    """The respondent's own mean answer x 25, in SQL (blanks left out)."""
    columns = [getattr(Response, code.lower()) for code in UNSUR_CODES]
    answered = sum(case((c.is_(None), 0), else_=1) for c in columns)
    total = sum(func.coalesce(c, 0) for c in columns)
    return cast(total, Float) * 25 / func.nullif(answered, 0)


def _where(
    session: Session,
    viewer: Viewer,
    scope: Scope,
    period: Period,
    filters: Filters,
    *,
    for_count: bool = False,
):
    """The conditions that pick the comments of a scope, period and filters (the scope
    checked against the viewer first), and whether the scope spans several units."""
    if viewer.role == Role.EMPLOYEE:
        scope = Scope("employee", viewer.employee_id)
    if scope.kind != "employee":
        units = reports.unit_subtree(session, viewer, scope.id)
        many_units = len(units) > 1
        # A page of several units' comments: "unit_id + 0" keeps the database off the unit
        # index, so it walks the newest comments (ix_response_commented_submitted) and
        # stops after a page. A count wants the unit index (ix_response_commented_unit_day).
        walk = many_units and not for_count
        where = [(Response.unit_id + 0 if walk else Response.unit_id).in_(units)]
    else:
        reports.check(session, viewer, scope)
        where = [Response.employee_id == scope.id]
        many_units = False
    score = _own_score()
    where += [
        Response.service_date >= period.start,
        Response.service_date < period.end,
        # Literal SQL, the very condition of the partial indexes (migration 0014): with a
        # bound "" SQLite cannot tell the index holds the answer and reads every row.
        COMMENTED,
        # A response left out of the scores is read on the integrity review page, not
        # here: a stuffed comment about an employee is no citizen's word.
        Response.excluded.is_(False),
    ]
    if filters.text:
        words = filters.text.strip()[:SEARCH_MAX]
        escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(func.lower(Response.comment).like(f"%{escaped.lower()}%", escape="\\"))
    for column, value in (
        (Response.counter_id, filters.counter_id),
        (Response.employee_id, filters.employee_id),
        (Response.service_type_id, filters.service_type_id),
    ):
        if value is not None:
            where.append(column == value)
    if filters.score_min is not None:
        where.append(score >= filters.score_min)
    if filters.score_max is not None:
        where.append(score <= filters.score_max)
    return where, many_units


def count(
    session: Session, viewer: Viewer, scope: Scope, period: Period, filters: Filters = Filters()
) -> int:
    """Return how many comments the scope received in the period."""
    where, _ = _where(session, viewer, scope, period, filters, for_count=True)
    return session.scalar(select(func.count()).select_from(Response).where(*where)) or 0


def search(
    session: Session,
    viewer: Viewer,
    scope: Scope,
    period: Period,
    filters: Filters = Filters(),
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """Return one page of the comments in ``scope`` and ``period``, newest first."""
    where, many_units = _where(session, viewer, scope, period, filters)
    score = _own_score()
    # Newest first along ix_response_commented_submitted: a page stops after its rows.
    order = (Response.submitted_at.desc(), Response.id.desc())
    page = max(1, min(page, 10_000))
    query = (
        select(Response, score)
        .where(*where)
        .options(
            selectinload(Response.unit),
            selectinload(Response.counter),
            selectinload(Response.employee),
            selectinload(Response.service_type),
        )
        .order_by(*order)
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    rows = session.execute(query).all()
    comments = [
        Comment(
            response=response,
            local_time=calendar.to_local(response.submitted_at, response.unit.timezone),
            score=own_score(response.answers),
        )
        for response, _ in rows[:per_page]
    ]
    return Page(comments=comments, number=page, has_next=len(rows) > per_page)
