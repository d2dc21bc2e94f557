"""The citizen's side: find what a survey link points at, and store a response."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from portal.models import Counter, Employee, Response, ServiceType, Unit, receipt_code, utcnow
from portal.services import directory, instruments, integrity, org, rollups, roster
from portal.services.survey_target import (
    CounterInfo,
    ServiceTypeInfo,
    StaffInfo,
    SurveyTarget,
    UnitInfo,
)
from portal.tokens import CARD, COUNTER, LinkClaim
from surveys import attribution, calendar, hours, statistics
from surveys import integrity as integrity_rules
from surveys.attribution import Opening
from surveys.errors import Gone, NotFound
from surveys.instruments import UNSUR_CODES
from surveys.integrity import Flag, Rules


class LinkNotFound(NotFound):
    """No counter or card was ever issued under this link."""


class LinkRevoked(Gone):
    """The link was valid once, but its poster or card has been withdrawn."""


@dataclass(frozen=True)
class Submission:
    """What the citizen sent, already checked for shape by the form."""

    id: uuid.UUID
    answers: dict[str, int | None]
    # The page's signed opening record, when it was present and valid (portal.openings).
    opening: Opening | None = None
    service_type_id: int | None = None
    sex: str | None = None
    age: int | None = None
    education: str | None = None
    occupation: str | None = None
    comment: str | None = None
    language: str = "id"
    client_hash: str | None = None
    # Keyed hash of the browser's device id (``device_hash``): what integrity rules use.
    device_hash: str | None = None


@dataclass(frozen=True)
class Receipt:
    response_id: uuid.UUID
    code: str
    dissatisfied: bool
    duplicate: bool = False


@dataclass(frozen=True)
class ComplaintChannel:
    name: str
    url: str


def complaint_channel(target: SurveyTarget, default: ComplaintChannel) -> ComplaintChannel:
    """Return the unit's own complaint channel, an ancestor's, or the national default."""
    for owner in reversed(target.lineage):
        if owner.complaint_url:
            return ComplaintChannel(owner.name, owner.complaint_url)
    return default


def resolve(session: Session, claim: LinkClaim | None, *, max_age: float = 0.0) -> SurveyTarget:
    """Return the survey target a link points at, or raise LinkNotFound / LinkRevoked.

    Only reads. The directory may be up to ``max_age`` seconds stale (``directory.stamp``).
    """
    if claim is None:
        raise LinkNotFound("Unknown survey link.")
    current = directory.stamp(session, max_age)
    link = directory.cached(
        ("link", claim.kind, claim.target_id), current, lambda: _link(session, claim, current)
    )
    if link is None:
        raise LinkNotFound("Unknown survey link.")
    version, active, target = link
    if claim.version != version or not active:
        raise LinkRevoked("This survey link has been withdrawn.")
    return target


# What a link of each kind names: the model, its version attribute, its role in a target.
_LINK_KINDS = {
    COUNTER: (Counter, "token_version", "counter"),
    CARD: (Employee, "card_version", "card_employee"),
}


def _link(session: Session, claim: LinkClaim, stamp: str):
    """Return (version, active, target) of the counter or card a link names, or None."""
    model, version_attribute, role = _LINK_KINDS[claim.kind]
    found = session.get(model, claim.target_id, options=[joinedload(model.unit)])
    if found is None:
        return None
    target = target_for(session, found.unit, stamp=stamp, **{role: found})
    # A deactivated unit withdraws the links of everything in it and below it.
    active = found.active and all(u.active for u in org.lineage(session, found.unit))
    return getattr(found, version_attribute), active, target


def _unit_info(unit: Unit) -> UnitInfo:
    try:
        opening_hours = hours.parse(unit.service_hours) if unit.service_hours else None
    except hours.InvalidHours:  # stored before the admin form checked them
        opening_hours = None
    return UnitInfo(unit.id, unit.name, unit.timezone, unit.complaint_url, opening_hours)


def target_for(
    session: Session,
    unit: Unit,
    *,
    counter: Counter | None = None,
    card_employee: Employee | None = None,
    stamp: str | None = None,
) -> SurveyTarget:
    """Return the survey target for a counter's poster or an employee's card in ``unit``."""
    chain = org.lineage(session, unit)
    # The instrument set on the unit or on the nearest unit above it that has one, else
    # the default questionnaire as the migrations installed it.
    row = next((u.instrument for u in reversed(chain) if u.instrument_id), None)
    row = row or instruments.default(session)
    service_types = session.execute(
        select(ServiceType.id, ServiceType.name)
        .where(ServiceType.unit_id == unit.id, ServiceType.active)
        .order_by(ServiceType.name)
    ).all()
    return SurveyTarget(
        stamp=stamp or directory.stamp(session),
        unit=_unit_info(unit),
        instrument_id=row.id,
        instrument=instruments.definition_of(row),
        counter=CounterInfo(counter.id, counter.name) if counter else None,
        card_employee=(
            StaffInfo(card_employee.id, card_employee.name, card_employee.active)
            if card_employee
            else None
        ),
        service_types=tuple(ServiceTypeInfo(s.id, s.name) for s in service_types),
        lineage=tuple(_unit_info(u) for u in chain),
    )


def serving(
    session: Session, target: SurveyTarget, at: dt.datetime | None = None
) -> StaffInfo | None:
    """Return the employee a page opened at ``at`` (naive UTC; default now) names as
    serving: a personal card's employee, else whom the counter's roster has on duty."""
    if target.card_employee is not None:
        return target.card_employee
    if target.counter is not None:
        return roster.on_duty(
            session, target.counter.id, target.unit.timezone, at or utcnow(), stamp=target.stamp
        )
    return None


@dataclass(frozen=True)
class PageOpening:
    """A survey page being opened: when, and whom it names as serving."""

    opened_at: dt.datetime  # naive UTC
    serving: StaffInfo | None


def open_page(session: Session, target: SurveyTarget) -> PageOpening:
    """Return the moment a citizen opens ``target``'s survey, and who serves them now."""
    opened_at = utcnow()
    return PageOpening(opened_at, serving(session, target, opened_at))


def submit(
    session: Session,
    target: SurveyTarget,
    submission: Submission,
    *,
    at: dt.datetime | None = None,
    window: dt.timedelta = attribution.DEFAULT_WINDOW,
    rules: Rules | None = None,
) -> Receipt:
    """Store one response and add it to its rollup buckets, in the caller's transaction.

    Whom it credits and the day it counts for follow the page's opening record
    (``surveys.attribution``), not the moment it arrives (``at``, default now). The
    submission id comes from the form the citizen was given, so pressing "Kirim" twice,
    or a retry after a dropped connection, stores the response once.

    With ``rules``, the response is judged by the integrity rules (``surveys.integrity``)
    first: a flagged one is stored with its flags, and one they exclude adds to no
    bucket. The answer that makes a burst also flags the burst's earlier answers.
    """
    answers = target.instrument.clean_answers(submission.answers)
    at = at or utcnow()
    sweep = False
    card = target.card_employee.id if target.card_employee else None
    credit = attribution.credit(submission.opening, at, card_employee_id=card, window=window)
    allowed_services = {s.id for s in target.service_types}
    row = {
        "id": submission.id,
        "opened_at": credit.opened_at,
        "submitted_at": at,
        "service_date": calendar.to_local(credit.counts_at, target.unit.timezone).date(),
        "unit_id": target.unit.id,
        "counter_id": target.counter.id if target.counter else None,
        "employee_id": credit.employee_id,
        "attribution": credit.attribution,
        "service_type_id": (
            submission.service_type_id if submission.service_type_id in allowed_services else None
        ),
        "instrument_id": target.instrument_id,
        "sex": submission.sex,
        "age": submission.age,
        "education": submission.education,
        "occupation": submission.occupation,
        "comment": submission.comment,
        "language": submission.language,
        "client_hash": submission.client_hash,
        "device_hash": submission.device_hash,
        "flags": 0,
        "excluded": False,
        **{code.lower(): answers.get(code) for code in UNSUR_CODES},
    }
    if rules is not None and rules.enabled:
        found = integrity.evidence(
            session,
            rules,
            target,
            submitted_at=at,
            opened_at=credit.opened_at,
            device_hash=submission.device_hash,
            credited_employee_id=credit.employee_id,
        )
        flags = integrity_rules.judge(rules, found)
        row["flags"] = int(flags)
        row["excluded"] = not rules.counted(flags, None)
        sweep = bool(flags & Flag.BURST) and integrity.burst_unflagged(session, rules, target, at)
        if sweep:
            # Before the insert: a transaction that will recount takes the lock first.
            rollups.lock(session)
    if not rollups.store(session, row):
        # The submission id is stored already: a second press of "Kirim", a retry after
        # a lost answer, or a concurrent request that won the race.
        existing = session.get(Response, submission.id)
        return _receipt(existing.id, existing.answers, duplicate=True)
    if sweep:
        integrity.flag_burst(session, rules, target, at)
    return _receipt(submission.id, answers)


def _receipt(response_id: uuid.UUID, answers: dict, *, duplicate: bool = False) -> Receipt:
    return Receipt(
        response_id,
        receipt_code(response_id),
        dissatisfied=statistics.is_dissatisfied(answers),
        duplicate=duplicate,
    )
