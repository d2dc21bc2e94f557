"""Builders for the records tests need, with sensible defaults."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from portal import links
from portal.extensions import db
from portal.models import Counter, DutyShift, Employee, Role, ServiceType, Unit, User, utcnow
from portal.services import feedback
from surveys.attribution import Opening

_serial = itertools.count(1)
PASSWORD = "correct horse battery staple"


def unit(
    name: str = "Pelayanan KTP-el", *, timezone: str = "Asia/Jakarta", parent=None, **kw
) -> Unit:
    # No instrument of its own: the survey falls back to the default questionnaire that
    # the migrations install (tests/conftest.py installs it after create_all).
    found = Unit(name=name, timezone=timezone, parent=parent, **kw)
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


def respond(target, answers: dict, *, opened_at=None, at=None, commit=True, **fields):
    """Submit ``answers`` as a citizen whose page was opened at ``opened_at`` and sent at
    ``at`` (naive UTC; each defaults to the other, then to now), crediting whom the page
    showed then, exactly as the survey page does."""
    opened_at = opened_at or at or utcnow()
    at = at or opened_at
    shown = feedback.serving(db.session, target, opened_at)
    receipt = feedback.submit(
        db.session,
        target,
        feedback.Submission(
            id=fields.pop("id", None) or uuid.uuid4(),
            answers=answers,
            opening=Opening(opened_at, shown.id if shown else None),
            **fields,
        ),
        at=at,
    )
    if commit:
        db.session.commit()
    return receipt
