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

from sqlalchemy import Float, case, cast, func, select
from sqlalchemy.orm import Session, selectinload

from portal.models import Response, Role
from portal.services import reports
from portal.services.reports import Scope
from portal.services.viewer import Viewer
from surveys import calendar, scoring
from surveys.instruments import UNSUR_CODES
from surveys.periods import Period

PER_PAGE = 20
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


def _where(session: Session, viewer: Viewer, scope: Scope, period: Period, filters: Filters):
    """The conditions that pick the comments of a scope, period and filters (the scope
    checked against the viewer first), and whether the scope spans several units."""
    if viewer.role == Role.EMPLOYEE:
        scope = Scope("employee", viewer.employee_id)
    if scope.kind != "employee":
        units = reports.unit_subtree(session, viewer, scope.id)
        where = [Response.unit_id.in_(units)]
        many_units = len(units) > 1
    else:
        reports.check(session, viewer, scope)
        where = [Response.employee_id == scope.id]
        many_units = False
    score = _own_score()
    where += [
        Response.service_date >= period.start,
        Response.service_date < period.end,
        Response.comment.is_not(None),
        Response.comment != "",
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


# SQLite's planner prefers the unit index for a subtree of many units and then reads
# every row; these partial indexes hold only commented responses (migration 0014).
_NEWEST_COMMENTS = "INDEXED BY ix_response_commented_submitted"
_COMMENTS_BY_UNIT = "INDEXED BY ix_response_commented_unit_day"


def count(
    session: Session, viewer: Viewer, scope: Scope, period: Period, filters: Filters = Filters()
) -> int:
    """Return how many comments the scope received in the period."""
    where, _many = _where(session, viewer, scope, period, filters)
    query = select(func.count()).select_from(Response).where(*where)
    if not filters.text and filters.score_min is None and filters.score_max is None:
        query = query.with_hint(Response, _COMMENTS_BY_UNIT, "sqlite")
    return session.scalar(query) or 0


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
    if many_units:
        # Walk the newest comments and stop after a page (a single unit's own index is
        # quicker for one unit).
        query = query.with_hint(Response, _NEWEST_COMMENTS, "sqlite")
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
