"""What is the score of this slice? Asked once here, for every page, export and API.

Every function takes the viewer (``portal.services.viewer``) and refuses a scope it may
not see as if it did not exist. A slice is a scope (a unit with or without the units
below it, a counter, an employee or a service type) over a period on the local calendar.
Its statistics are SQL SUMs over rollup rows: monthly buckets for the whole months of
the period, daily buckets for the ragged edges of a date range and for weekly trends.
``surveys.scoring`` then turns the summed statistics into the published numbers. No
response is ever read here, so a report costs the same however many are stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import Counter, Employee, Role, ServiceType, Unit
from portal.services import rollups
from portal.services.org import subtree_ids
from portal.services.viewer import Viewer, visible_units
from surveys import scoring
from surveys.errors import NotFound, SurveyError
from surveys.periods import Period
from surveys.policy import ReportPolicy
from surveys.statistics import Statistics

SCOPE_KINDS = {"unit": Unit, "counter": Counter, "employee": Employee, "service_type": ServiceType}
BREAKDOWNS = ("unit", "counter", "employee", "service_type")
_KEY_COLUMN = {
    "counter": "counter_id",
    "employee": "employee_id",
    "service_type": "service_type_id",
}


class ScopeNotFound(NotFound):
    """The unit, counter, employee or service type asked about does not exist, or the
    viewer may not see it."""


@dataclass(frozen=True)
class Scope:
    kind: str  # one of SCOPE_KINDS
    id: int
    with_children: bool = True  # for units: include every unit below

    def __post_init__(self):
        if self.kind not in SCOPE_KINDS:
            raise ScopeNotFound(f"Unknown scope kind {self.kind!r}.")


@dataclass(frozen=True)
class SliceReport:
    """The published numbers of one slice, and how far to trust them.

    For a slice about one person (an employee), each number is shown only when its own
    respondents meet the report policy: the overall score by all respondents, the
    personal index by its own (``surveys.scoring.personal``), an unsur by those who
    answered it.
    """

    scope: Scope
    name: str
    period: Period
    statistics: Statistics = field(repr=False)
    score: scoring.Score
    policy: ReportPolicy = field(repr=False)
    adequacy: scoring.Adequacy | None = None
    # Employee scopes only: the index over U6 and U7.
    personal: scoring.Score | None = None
    # In a per-employee breakdown: the converted score pulled toward the scope's pooled
    # mean (empirical Bayes, surveys.scoring.shrunken), for ranking small samples fairly.
    shrunken: Decimal | None = None

    @property
    def respondents(self) -> int:
        return self.score.respondents

    @property
    def weakest(self) -> scoring.UnsurScore | None:
        return self.score.weakest

    @property
    def about_person(self) -> bool:
        return self.scope.kind == "employee"

    @property
    def minimum_for_person(self) -> int:
        return self.policy.minimum_for_person

    def _enough(self, respondents: int) -> bool:
        return not self.about_person or self.policy.sufficient_for_person(respondents)

    @property
    def sufficient(self) -> bool:
        """Whether the overall score (IKM, grade, interval) may be shown."""
        return self.score.has_data and self._enough(self.score.respondents)

    @property
    def personal_sufficient(self) -> bool:
        """Whether the personal index (U6, U7) may be shown."""
        return (
            self.personal is not None
            and self.personal.has_data
            and self._enough(self.personal.respondents)
        )

    def unsur_sufficient(self, code: str) -> bool:
        """Whether one unsur's NRR may be shown."""
        unsur = self.score.unsur.get(code)
        return unsur is not None and self._enough(unsur.respondents)


def _record(session: Session, viewer: Viewer, scope: Scope):
    """Return the scope's record, or raise ScopeNotFound when it is missing or not the
    viewer's to see."""
    # An id beyond the database's integer range names nothing (PostgreSQL would refuse it).
    in_range = 0 < scope.id <= 2**31 - 1
    found = session.get(SCOPE_KINDS[scope.kind], scope.id) if in_range else None
    if found is None or not _visible(session, viewer, scope, found):
        raise ScopeNotFound(f"No {scope.kind} with id {scope.id}.")
    return found


def _visible(session: Session, viewer: Viewer, scope: Scope, record) -> bool:
    if viewer.role == Role.EMPLOYEE:
        return scope.kind == "employee" and scope.id == viewer.employee_id
    units = visible_units(session, viewer)
    if units is None:
        return True
    # Units are themselves; counters, employees and service types belong to one unit.
    return (record.id if scope.kind == "unit" else record.unit_id) in units


def _matcher(session: Session, scope: Scope):
    """Return a function giving the scope's filter on a rollup table (the subtree read once)."""
    if scope.kind == "unit":
        ids = subtree_ids(session, scope.id) if scope.with_children else [scope.id]
        return lambda table: table.c.unit_id.in_(ids)
    column = _KEY_COLUMN[scope.kind]
    return lambda table: table.c[column] == scope.id


def _sums(table, key=None):
    columns = [func.coalesce(func.sum(table.c[name]), 0).label(name) for name in rollups.SUMMED]
    return select(*([key] if key is not None else []), *columns)


def _grains(scope: Scope, key: str | None) -> tuple[rollups.Grain, rollups.Grain]:
    """Return the monthly and daily rollups that hold the scope and the grouping."""
    by_service = scope.kind == "service_type" or key == "service_type_id"
    if by_service and scope.kind in ("counter", "employee"):
        # Rollups keep staff and service types apart (see portal.models.feedback).
        raise SurveyError("A counter or an employee cannot be broken down by service type.")
    if by_service:
        return rollups.MONTHLY_SERVICE, rollups.DAILY_SERVICE
    return rollups.MONTHLY, rollups.DAILY


def _collect(
    session: Session,
    scope: Scope,
    period: Period,
    key: str | None = None,
    *,
    daily_only=False,
    matcher=None,
) -> dict[object, Statistics]:
    """Return summed statistics per value of ``key`` (a rollup column, "date" or None).

    ``matcher`` replaces the scope's own filter (several employees at once)."""
    monthly, daily = _grains(scope, key)
    parts: list[tuple[rollups.Grain, dt.date, dt.date]] = []
    months = None if daily_only else period.whole_months()
    if months:
        parts.append((monthly, *months))
        parts += [(daily, a, b) for a, b in period.loose_days()]
    else:
        parts.append((daily, period.start, period.end))
    in_scope = matcher or _matcher(session, scope)
    totals: dict[object, Statistics] = {}
    for grain, start, end in parts:
        table = grain.table
        when = table.c[grain.period_column]
        column = when if key == "date" else (table.c[key] if key else None)
        query = _sums(table, column).where(in_scope(table), when >= start, when < end)
        if column is not None:
            query = query.group_by(column)
        for row in session.execute(query):
            # Positional reads: a mapping lookup per column costs more than the SUM.
            group, values = (row[0], row[1:]) if column is not None else (None, row)
            if not values[0]:
                continue
            stats = Statistics.from_row(values)
            totals[group] = totals[group] + stats if group in totals else stats
    return totals


def _report(
    scope: Scope,
    period: Period,
    stats: Statistics,
    *,
    name: str,
    policy: ReportPolicy,
    population: int | None = None,
) -> SliceReport:
    return SliceReport(
        scope=scope,
        name=name,
        period=period,
        statistics=stats,
        score=scoring.from_statistics(stats, population=population),
        policy=policy,
        adequacy=scoring.adequacy(stats.respondents, population),
        personal=scoring.personal(stats) if scope.kind == "employee" else None,
    )


def check(session: Session, viewer: Viewer, scope: Scope) -> None:
    """Raise ScopeNotFound unless the scope exists and the viewer may see it."""
    _record(session, viewer, scope)


def subject(session: Session, viewer: Viewer, scope: Scope):
    """Return the unit, counter, employee or service type a scope names, for its page's
    heading; ScopeNotFound when it is missing or not the viewer's to see."""
    return _record(session, viewer, scope)


def units_within(session: Session, viewer: Viewer, unit_id: int | None) -> set[int] | None:
    """Return the units the viewer may see inside ``unit_id``'s subtree (all of them
    without ``unit_id``), or None for every unit; ScopeNotFound for a unit not theirs."""
    units = visible_units(session, viewer)
    if unit_id is None:
        return units
    inside = set(unit_subtree(session, viewer, unit_id))
    return inside if units is None else units & inside


def latest_month(session: Session, viewer: Viewer, scope: Scope) -> dt.date | None:
    """Return the first day of the latest month with responses in the scope, or None."""
    _record(session, viewer, scope)
    table = rollups.MONTHLY.table
    query = select(func.max(table.c.month)).where(_matcher(session, scope)(table))
    return session.scalar(query)


def unit_subtree(session: Session, viewer: Viewer, unit_id: int) -> list[int]:
    """Return the ids of a unit the viewer may see and of every unit below it."""
    _record(session, viewer, Scope("unit", unit_id))
    return subtree_ids(session, unit_id)


def empty(scope: Scope, period: Period, name: str, viewer: Viewer) -> SliceReport:
    """Return the report of a slice without responses (no number, no grade)."""
    return _report(scope, period, Statistics(), name=name, policy=viewer.policy)


def score_for(
    session: Session,
    viewer: Viewer,
    scope: Scope,
    period: Period,
    *,
    population: int | None = None,
) -> SliceReport:
    """Return the score of one slice. ``population``: citizens served, if the unit knows."""
    record = _record(session, viewer, scope)
    stats = _collect(session, scope, period).get(None, Statistics())
    return _report(
        scope, period, stats, name=record.name, policy=viewer.policy, population=population
    )


def for_employees(
    session: Session, viewer: Viewer, period: Period, employees: list[Employee]
) -> dict[int, SliceReport]:
    """Return each employee's score, by employee id, with one query for all of them.

    Employees without responses in the period get an empty score. Raises ScopeNotFound
    if any of them is not the viewer's to see.
    """
    units = visible_units(session, viewer)
    for employee in employees:
        allowed = (
            employee.id == viewer.employee_id
            if viewer.role == Role.EMPLOYEE
            else units is None or employee.unit_id in units
        )
        if not allowed:
            raise ScopeNotFound(f"No employee with id {employee.id}.")
    if not employees:
        return {}
    ids = [e.id for e in employees]
    scope = Scope("employee", ids[0])
    collected = _collect(
        session, scope, period, "employee_id", matcher=lambda t: t.c.employee_id.in_(ids)
    )
    return {
        e.id: _report(
            Scope("employee", e.id),
            period,
            collected.get(e.id, Statistics()),
            name=e.name,
            policy=viewer.policy,
        )
        for e in employees
    }


def breakdown(
    session: Session, viewer: Viewer, scope: Scope, period: Period, by: str
) -> list[SliceReport]:
    """Return the slices inside ``scope`` by child unit, counter, employee or service type.

    Only children with responses in the period are listed, in name order. Everything
    listed lies inside ``scope``, which the viewer may see.
    """
    if by not in BREAKDOWNS:
        raise SurveyError(f"Cannot break down by {by!r}; use one of {', '.join(BREAKDOWNS)}.")
    _record(session, viewer, scope)
    if by == "unit":
        if scope.kind != "unit":
            raise SurveyError("Only a unit can be broken down into units.")
        per_unit = _collect(session, scope, period, "unit_id")
        children = session.scalars(select(Unit).where(Unit.parent_id == scope.id)).all()
        groups: dict[int, Statistics] = {}
        for child in children:
            members = set(subtree_ids(session, child.id))
            total = sum((s for uid, s in per_unit.items() if uid in members), Statistics())
            if total.respondents:
                groups[child.id] = total
        names = {child.id: child.name for child in children}
    else:
        groups = {k: v for k, v in _collect(session, scope, period, _KEY_COLUMN[by]).items() if k}
        model = SCOPE_KINDS[by]
        names = dict(
            session.execute(select(model.id, model.name).where(model.id.in_(groups))).all()
        )
    shrunken = scoring.shrunken(groups) if by == "employee" else {}
    reports = [
        replace(
            _report(Scope(by, key), period, stats, name=names[key], policy=viewer.policy),
            shrunken=shrunken.get(key),
        )
        for key, stats in groups.items()
    ]
    return sorted(reports, key=lambda r: (r.name, r.scope.id))


def trend(
    session: Session, viewer: Viewer, scope: Scope, period: Period, step: str = "month"
) -> list[SliceReport]:
    """Return the slice's score per month or per ISO week of the period, empty steps included."""
    if step not in ("month", "week"):
        raise SurveyError(f"A trend steps by month or week, not {step!r}.")
    record = _record(session, viewer, scope)
    steps = period.months() if step == "month" else period.weeks()
    by_date = _collect(session, scope, period, "date", daily_only=step == "week")
    stats_per_step = {s: Statistics() for s in steps}
    for day, stats in by_date.items():
        owner = _step_containing(steps, day)
        stats_per_step[owner] = stats_per_step[owner] + stats
    return [
        _report(scope, s, stats_per_step[s], name=record.name, policy=viewer.policy) for s in steps
    ]


def _step_containing(steps: Iterable[Period], day: dt.date) -> Period:
    # A monthly bucket is dated on the 1st; inside a clipped first month it still
    # belongs to that month, so compare on month starts too.
    for candidate in steps:
        if candidate.start <= day < candidate.end or (
            candidate.kind == "month" and candidate.start.replace(day=1) == day
        ):
            return candidate
    raise LookupError(day)  # pragma: no cover - buckets come from inside the period
