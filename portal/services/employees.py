"""Employees as administrators keep them: create, correct, move, deactivate.

Keyed by NIP (validated by ``surveys.nip``). Nothing is deleted: a deactivated employee
keeps every response credited to them, and their card stops taking new ones. A move to
another unit changes where they serve from now on; responses already counted stay
credited where they were. Every change is audited. Services flush; callers commit.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session, selectinload

from portal.models import Employee
from portal.services import audit, org
from surveys import nip as nips
from surveys.errors import InvalidNIP, NotFound, SurveyError

FIELDS = ("nip", "name", "position", "unit_id", "kind", "active")
PER_PAGE = 50


class Invalid(SurveyError):
    http_status = 422

    def __init__(self, field: str, message: str = ""):
        super().__init__(message or field)
        self.field = field


def get(session: Session, employee_id: int) -> Employee:
    found = session.get(Employee, employee_id) if 0 < employee_id <= 2**31 - 1 else None
    if found is None:
        raise NotFound(f"No employee {employee_id}.")
    return found


def id_of_nip(session: Session, nip: str) -> int | None:
    """Return the id of the employee with this NIP (spaces and dots allowed), or None."""
    return session.scalar(select(Employee.id).where(Employee.nip == nips.normalize(nip)))


def page(
    session: Session, text: str = "", unit_id: int | None = None, number: int = 1
) -> tuple[list[Employee], bool]:
    """One page of employees by name, matching a name or NIP fragment, in one unit or all."""
    query = (
        select(Employee).options(selectinload(Employee.unit)).order_by(Employee.name, Employee.id)
    )
    if text:
        folded = text.lower()
        digits = nips.normalize(text)
        condition = func.lower(Employee.name).contains(folded, autoescape=True)
        if digits.isdigit():
            condition = condition | Employee.nip.contains(digits, autoescape=True)
        query = query.where(condition)
    if unit_id:
        query = query.where(Employee.unit_id == unit_id)
    number = max(1, min(number, 100_000))
    rows = list(session.scalars(query.offset((number - 1) * PER_PAGE).limit(PER_PAGE + 1)))
    return rows[:PER_PAGE], len(rows) > PER_PAGE


def _values(session, nip: str, name: str, position: str | None, unit_id: int, kind: str):
    if kind not in ("pns", "pppk"):
        raise Invalid("kind")
    try:
        number = nips.parse(nip, nips.Kind(kind)).value
    except InvalidNIP as error:
        raise Invalid("nip", str(error)) from None
    name = " ".join((name or "").split())
    if not name or len(name) > 160:
        raise Invalid("name")
    position = " ".join((position or "").split()) or None
    if position and len(position) > 160:
        raise Invalid("position")
    org.unit(session, unit_id)
    return number, name, position


def create(
    session: Session,
    *,
    nip: str,
    name: str,
    unit_id: int,
    by: str,
    position: str | None = None,
    kind: str = "pns",
) -> Employee:
    number, name, position = _values(session, nip, name, position, unit_id, kind)
    if session.scalar(select(Employee.id).where(Employee.nip == number)) is not None:
        raise Invalid("nip_taken")
    found = Employee(kind=kind, nip=number, name=name, position=position, unit_id=unit_id)
    found.active = True
    session.add(found)
    session.flush()
    audit.record(
        session,
        actor=by,
        action="employee.create",
        target_type="employee",
        target_id=found.id,
        label=name,
        after=audit.state(found, FIELDS),
    )
    return found


def update(
    session: Session,
    employee_id: int,
    *,
    nip: str,
    name: str,
    unit_id: int,
    by: str,
    position: str | None = None,
    kind: str = "pns",
) -> Employee:
    found = get(session, employee_id)
    before = audit.state(found, FIELDS)
    number, name, position = _values(session, nip, name, position, unit_id, kind)
    taken = session.scalar(
        select(Employee.id).where(Employee.nip == number, Employee.id != found.id)
    )
    if taken is not None:
        raise Invalid("nip_taken")
    # One statement: the model checks a NIP against the kind already set, and a change
    # of both at once would trip that check halfway (both were checked above).
    session.execute(
        sql_update(Employee)
        .where(Employee.id == found.id)
        .values(kind=kind, nip=number, name=name, position=position, unit_id=unit_id)
    )
    session.refresh(found)
    after = audit.state(found, FIELDS)
    if after != before:
        action = "employee.move" if before["unit_id"] != unit_id else "employee.update"
        audit.record(
            session,
            actor=by,
            action=action,
            target_type="employee",
            target_id=found.id,
            label=name,
            before=before,
            after=after,
        )
    return found


def set_active(session: Session, employee_id: int, active: bool, *, by: str) -> Employee:
    found = get(session, employee_id)
    audit.set_active(session, found, active, by=by, target_type="employee")
    return found


def revoke_card(session: Session, employee_id: int, *, by: str) -> Employee:
    """Withdraw every printed personal QR card of an employee (a new one can be printed)."""
    found = get(session, employee_id)
    before = audit.state(found, ("card_version",))
    found.card_version = (found.card_version or 1) + 1
    session.flush()
    audit.record(
        session,
        actor=by,
        action="employee.revoke_card",
        target_type="employee",
        target_id=found.id,
        label=found.name,
        before=before,
        after=audit.state(found, ("card_version",)),
    )
    return found
