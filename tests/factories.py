"""Builders for the records tests need, with sensible defaults."""

from __future__ import annotations

import datetime as dt
import itertools

from portal import links
from portal.extensions import db
from portal.models import Counter, DutyShift, Employee, Role, ServiceType, Unit, User
from portal.services import instruments

_serial = itertools.count(1)
PASSWORD = "correct horse battery staple"


def unit(
    name: str = "Pelayanan KTP-el", *, timezone: str = "Asia/Jakarta", parent=None, **kw
) -> Unit:
    found = Unit(name=name, timezone=timezone, parent=parent, **kw)
    if parent is None:
        found.instrument = instruments.stored(db.session)
    db.session.add(found)
    db.session.flush()
    return found


def counter(unit_: Unit | None = None, name: str = "Loket 1") -> Counter:
    found = Counter(unit=unit_ or unit(), name=name)
    db.session.add(found)
    db.session.flush()
    return found


def service_type(unit_: Unit, name: str = "Perekaman KTP-el") -> ServiceType:
    found = ServiceType(unit=unit_, name=name)
    db.session.add(found)
    db.session.flush()
    return found


def nip(sex: int = 2) -> str:
    """Return a valid, unique PNS NIP."""
    return f"19870315201001{sex}{next(_serial) % 999 + 1:03d}"


def employee(unit_: Unit, name: str = "Siti Rahmawati", **kw) -> Employee:
    found = Employee(nip=kw.pop("nip", None) or nip(), name=name, unit=unit_, **kw)
    db.session.add(found)
    db.session.flush()
    return found


def shift(
    employee_: Employee, counter_: Counter, day: dt.date, starts: str, ends: str
) -> DutyShift:
    found = DutyShift(
        employee=employee_,
        counter=counter_,
        day=day,
        starts=dt.time.fromisoformat(starts),
        ends=dt.time.fromisoformat(ends),
    )
    db.session.add(found)
    db.session.flush()
    return found


def user(username: str, role: str = Role.ADMIN, unit_: Unit | None = None) -> User:
    found = User(username=username, role=role, unit=unit_)
    found.set_password(PASSWORD)
    db.session.add(found)
    db.session.flush()
    return found


def survey_path(counter_: Counter) -> str:
    return links.survey_path(links.counter_token(counter_))


def card_path(employee_: Employee) -> str:
    return links.survey_path(links.card_token(employee_))
