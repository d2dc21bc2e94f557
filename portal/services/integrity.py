"""Integrity flags at work: gather the evidence a submission is judged by, flag a burst
after the fact, list flagged responses for review, and record a reviewer's decision.

The rules themselves are pure and live in ``surveys.integrity``; this module reads what
they need from the database. A change to what is counted (a burst flagged after the
fact, a review) goes through ``rollups.recount``, never an edit of a rollup row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter as Tally
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from portal.models import Response, StaffDevice, User, utcnow
from portal.services import audit, reports, rollups
from portal.services.reports import Scope
from portal.services.survey_target import SurveyTarget
from portal.services.viewer import Viewer
from surveys import calendar, integrity
from surveys.errors import NotFound
from surveys.integrity import Evidence, Flag, Review, Rules
from surveys.periods import Period

PER_PAGE = 50
# The partial index ``ix_response_flagged_unit_day`` holds exactly these rows; the
# condition is written as a literal so that SQLite's planner can match it.
FLAGGED = Response.flags != literal_column("0")


def _place(target: SurveyTarget):
    """The condition selecting the responses given at ``target``'s counter or card."""
    if target.counter is not None:
        return Response.counter_id == target.counter.id
    card = target.card_employee.id if target.card_employee else -1
    return and_(Response.counter_id.is_(None), Response.employee_id == card)


def evidence(
    session: Session,
    rules: Rules,
    target: SurveyTarget,
    *,
    submitted_at: dt.datetime,
    opened_at: dt.datetime | None,
    device_hash: str | None,
    credited_employee_id: int | None,
) -> Evidence:
    """Return what the rules need to judge a response arriving now at ``target``."""
    zone = target.unit.timezone
    device_since = submitted_at - rules.device_window
    burst_since = submitted_at - rules.burst_window
    since = min(device_since, burst_since)
    # Responses are dated by their local service day: one day's margin covers every zone.
    first_day = calendar.to_local(since, zone).date() - dt.timedelta(days=1)
    same_device = (
        func.sum(
            case(
                (
                    and_(
                        Response.device_hash == device_hash, Response.submitted_at >= device_since
                    ),
                    1,
                ),
                else_=0,
            )
        )
        if device_hash
        else literal_column("0")
    )
    in_burst = func.sum(case((Response.submitted_at >= burst_since, 1), else_=0))
    row = session.execute(
        select(same_device, in_burst).where(
            _place(target),
            Response.service_date >= first_day,
            Response.submitted_at >= since,
            Response.submitted_at <= submitted_at,
        )
    ).one()
    staff = frozenset()
    if device_hash:
        staff = frozenset(
            session.scalars(
                select(User.employee_id)
                .join(StaffDevice, StaffDevice.user_id == User.id)
                .where(StaffDevice.device_hash == device_hash)
            )
        )
    return Evidence(
        submitted_at=submitted_at,
        opened_at=opened_at,
        opened_local=calendar.to_local(opened_at or submitted_at, zone),
        hours=target.unit.hours,
        same_device_earlier=int(row[0] or 0),
        place_earlier=int(row[1] or 0),
        staff_employees=staff,
        credited_employee_id=credited_employee_id,
    )


def _burst_window(rules: Rules, target: SurveyTarget, submitted_at: dt.datetime) -> list:
    """The conditions selecting the responses at ``target`` within the burst window."""
    since = submitted_at - rules.burst_window
    first_day = calendar.to_local(since, target.unit.timezone).date() - dt.timedelta(days=1)
    return [
        _place(target),
        Response.service_date >= first_day,
        Response.submitted_at >= since,
        Response.submitted_at <= submitted_at,
    ]


def burst_unflagged(
    session: Session, rules: Rules, target: SurveyTarget, submitted_at: dt.datetime
) -> bool:
    """Whether a burst at ``target`` still has earlier answers not flagged as one: only
    then does the answer that trips it sweep (and lock); later answers of the same burst
    are flagged on their own and need neither."""
    not_burst = Response.flags.op("&")(int(Flag.BURST)) == 0
    query = select(Response.id).where(*_burst_window(rules, target, submitted_at), not_burst)
    return session.execute(query.limit(1)).first() is not None


def flag_burst(
    session: Session, rules: Rules, target: SurveyTarget, submitted_at: dt.datetime
) -> int:
    """Flag the earlier responses of a burst at ``target`` that tripped at ``submitted_at``
    and recount what they leave; return how many responses changed.

    The caller has taken ``rollups.lock`` before storing the response that tripped it, so
    nothing else changes these buckets meanwhile.
    """
    earlier = session.scalars(
        select(Response).where(*_burst_window(rules, target, submitted_at))
    ).all()
    changed, months = 0, set()
    for response in earlier:
        if response.flags & Flag.BURST:
            continue
        response.flags |= Flag.BURST
        excluded = not rules.counted(response.flags, response.review)
        if excluded != response.excluded:
            response.excluded = excluded
            months.add((response.unit_id, response.service_date.replace(day=1)))
        changed += 1
    session.flush()
    rollups.recount(session, months)
    return changed


def remember_staff_device(session: Session, user_id: int, device_hash: str) -> None:
    """Record that ``user_id`` logged in on the browser known by ``device_hash``."""
    table = StaffDevice.__table__
    dialect = session.connection().dialect.name
    stmt = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    values = {"device_hash": device_hash, "user_id": user_id, "seen_at": utcnow()}
    session.execute(
        stmt.values(values).on_conflict_do_update(
            index_elements=["device_hash", "user_id"], set_={"seen_at": values["seen_at"]}
        )
    )


# -- reading and reviewing -------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    period: Period
    status: str = "pending"  # pending | excluded | counted | reviewed | all
    counter_id: int | None = None
    employee_id: int | None = None


STATUSES = ("pending", "excluded", "counted", "reviewed", "all")


@dataclass(frozen=True)
class Page:
    responses: list[Response]
    total: int
    page: int
    pages: int


def _units(session: Session, viewer: Viewer, unit_id: int) -> list[int]:
    """Return the units inside ``unit_id``'s subtree the viewer may see (ScopeNotFound
    for a unit not theirs)."""
    return sorted(reports.units_within(session, viewer, unit_id) or ())


def _where(units: list[int], filters: Filters) -> list:
    where = [
        FLAGGED,
        Response.unit_id.in_(units),
        Response.service_date >= filters.period.start,
        Response.service_date < filters.period.end,
    ]
    if filters.status == "pending":
        where.append(Response.review.is_(None))
    elif filters.status == "excluded":
        where.append(Response.excluded.is_(True))
    elif filters.status == "counted":
        where.append(Response.excluded.is_(False))
    elif filters.status == "reviewed":
        where.append(Response.review.is_not(None))
    if filters.counter_id is not None:
        where.append(Response.counter_id == filters.counter_id)
    if filters.employee_id is not None:
        where.append(Response.employee_id == filters.employee_id)
    return where


def flagged(
    session: Session, viewer: Viewer, unit_id: int, filters: Filters, *, page: int = 1
) -> Page:
    """Return one page of the flagged responses in ``unit_id``'s subtree, newest first."""
    where = _where(_units(session, viewer, unit_id), filters)
    total = session.scalar(select(func.count()).select_from(Response).where(*where)) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    rows = session.scalars(
        select(Response)
        .where(*where)
        .options(
            selectinload(Response.unit),
            selectinload(Response.counter),
            selectinload(Response.employee),
        )
        .order_by(Response.submitted_at.desc(), Response.id.desc())
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    return Page(list(rows), total, page, pages)


@dataclass(frozen=True)
class Summary:
    """Flagged responses of a scope and period: how many, how many left out, and why."""

    flagged: int
    excluded: int
    pending: int
    by_reason: dict[str, int]

    def as_api(self) -> dict:
        return {"count": self.excluded, "by_reason": self.by_reason}


def _summarise(rows: Iterable) -> Summary:
    flagged = excluded = pending = 0
    reasons: Tally[str] = Tally()
    for flags, is_excluded, review in rows:
        flagged += 1
        pending += review is None
        if is_excluded:
            excluded += 1
            reasons.update(integrity.names(flags))
    return Summary(flagged, excluded, pending, dict(sorted(reasons.items())))


NONE = Summary(0, 0, 0, {})
_SUMMARY_COLUMNS = (Response.flags, Response.excluded, Response.review)


def summary(session: Session, viewer: Viewer, unit_id: int, period: Period) -> Summary:
    """Return the flagged responses in ``unit_id``'s subtree in ``period``, counted."""
    rows = session.execute(
        select(*_SUMMARY_COLUMNS).where(
            FLAGGED,
            Response.unit_id.in_(_units(session, viewer, unit_id)),
            Response.service_date >= period.start,
            Response.service_date < period.end,
        )
    )
    return _summarise(rows)


def by_employee(
    session: Session, employee_ids: Iterable[int], period: Period
) -> dict[int, Summary]:
    """Return each employee's flagged responses in ``period`` (only those with any).

    Reads the flagged rows only (the partial index), whatever units they fell in.
    """
    wanted = sorted(set(employee_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(Response.employee_id, *_SUMMARY_COLUMNS).where(
            FLAGGED,
            Response.employee_id.in_(wanted),
            Response.service_date >= period.start,
            Response.service_date < period.end,
        )
    ).all()
    grouped: dict[int, list] = {}
    for employee_id, *rest in rows:
        grouped.setdefault(employee_id, []).append(rest)
    return {employee_id: _summarise(found) for employee_id, found in grouped.items()}


def review(
    session: Session,
    viewer: Viewer,
    rules: Rules,
    response_id: uuid.UUID,
    decision: Review | None,
    *,
    by_user_id: int,
    actor: str,
) -> Response:
    """Record a reviewer's decision on a flagged response (``None`` undoes one) and move
    it between counted and excluded through ``rollups.recount``."""
    rollups.lock(session)
    response = session.get(Response, response_id)
    if response is None or not response.flags:
        raise NotFound("No such flagged response.")
    # A response the viewer may not see is reported like one that does not exist.
    reports.check(session, viewer, Scope("unit", response.unit_id))
    before = audit.state(response, ("review", "excluded"))
    response.review = decision.value if decision else None
    response.reviewed_at = utcnow() if decision else None
    response.reviewed_by = by_user_id if decision else None
    excluded = not rules.counted(response.flags, response.review)
    moved = excluded != response.excluded
    response.excluded = excluded
    session.flush()
    if moved:
        rollups.recount(session, [(response.unit_id, response.service_date)])
    audit.record(
        session,
        actor=actor,
        action="response.review",
        target_type="response",
        target_id=None,
        label=f"{response.receipt} {', '.join(integrity.names(response.flags))}",
        before=before,
        after=audit.state(response, ("review", "excluded")),
    )
    return response
