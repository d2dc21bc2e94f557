"""The citizen's side: find what a survey link points at, and store a response."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from portal.models import (
    Attribution,
    Counter,
    Employee,
    Response,
    ServiceType,
    Unit,
    receipt_code,
    utcnow,
)
from portal.services import directory, instruments, org, rollups, roster
from portal.services.snapshots import CounterInfo, ServiceTypeInfo, StaffInfo, UnitInfo
from portal.tokens import CARD, COUNTER, LinkClaim
from surveys import statistics
from surveys.errors import SurveyError
from surveys.instruments import UNSUR_CODES, Instrument


class LinkNotFound(SurveyError):
    """No counter or card was ever issued under this link."""


class LinkRevoked(SurveyError):
    """The link was valid once, but its poster or card has been withdrawn."""


@dataclass(frozen=True)
class SurveyTarget:
    """Everything the survey page needs to know about the place it was opened at.

    It holds plain values, read under the directory stamp ``stamp``, so that one process
    can keep it for every citizen who opens the same link until the directory changes.
    """

    stamp: str
    unit: UnitInfo
    instrument_id: int
    instrument: Instrument
    counter: CounterInfo | None = None
    card_employee: StaffInfo | None = None
    service_types: tuple[ServiceTypeInfo, ...] = ()
    lineage: tuple[UnitInfo, ...] = ()  # root first, ``unit`` last


@dataclass(frozen=True)
class Submission:
    """What the citizen sent, already checked for shape by the form."""

    id: uuid.UUID
    answers: dict[str, int | None]
    service_type_id: int | None = None
    sex: str | None = None
    age: int | None = None
    education: str | None = None
    occupation: str | None = None
    comment: str | None = None
    language: str = "id"
    client_hash: str | None = None


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

    The directory may be up to ``max_age`` seconds stale (``directory.stamp``).
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
    return getattr(found, version_attribute), found.active, target


def _unit_info(unit: Unit) -> UnitInfo:
    return UnitInfo(unit.id, unit.name, unit.timezone, unit.complaint_url)


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
    # The instrument set on the unit or on the nearest unit above it that has one.
    row = next((u.instrument for u in reversed(chain) if u.instrument_id), None)
    row = row or instruments.stored(session)
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


def serving(session: Session, target: SurveyTarget, at: dt.datetime | None = None):
    """Return the employee to credit and how they were found: card first, then the roster."""
    if target.card_employee is not None:
        return target.card_employee, Attribution.CARD
    if target.counter is not None:
        employee = roster.on_duty(
            session, target.counter.id, target.unit.timezone, at or utcnow(), stamp=target.stamp
        )
        if employee is not None:
            return employee, Attribution.ROSTER
    return None, Attribution.NONE


def client_hash(secret: str, address: str, user_agent: str) -> str:
    """Return a keyed hash of the client: one device is recognisable, its address is not kept."""
    key = hashlib.sha256(f"client-hash:{secret}".encode()).digest()
    message = f"{address}|{user_agent}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def submit(
    session: Session,
    target: SurveyTarget,
    submission: Submission,
    *,
    at: dt.datetime | None = None,
) -> Receipt:
    """Store one response and add it to its rollup bucket in a single transaction.

    The submission id comes from the form the citizen was given, so pressing "Kirim"
    twice, or a retry after a dropped connection, stores the response once.
    """
    answers = target.instrument.clean_answers(submission.answers)
    at = at or utcnow()
    employee, attribution = serving(session, target, at)
    allowed_services = {s.id for s in target.service_types}
    row = {
        "id": submission.id,
        "submitted_at": at,
        "unit_id": target.unit.id,
        "counter_id": target.counter.id if target.counter else None,
        "employee_id": employee.id if employee else None,
        "attribution": attribution,
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
        "flags": 0,
        **{code.lower(): answers.get(code) for code in UNSUR_CODES},
    }
    try:
        rollups.store(session, row, target.unit.timezone)
        session.commit()
    except IntegrityError:
        # The submission id is stored already: a second press of "Kirim", a retry after
        # a lost answer, or a concurrent request that won the race. Asking first would
        # cost every submission a query for the rare case.
        session.rollback()
        existing = session.get(Response, submission.id)
        if existing is None:
            raise
        return _receipt(existing.id, existing.answers, duplicate=True)
    return _receipt(submission.id, answers)


def _receipt(response_id: uuid.UUID, answers: dict, *, duplicate: bool = False) -> Receipt:
    return Receipt(
        response_id,
        receipt_code(response_id),
        dissatisfied=statistics.is_dissatisfied(answers),
        duplicate=duplicate,
    )
