"""Whom a response credits, and the day it counts for, follow the moment the page was
opened: a shift change or a late, offline resend never moves a score to someone else."""

import datetime as dt

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Attribution, Response
from portal.services import feedback
from tests import factories
from tests.conftest import ALL_FOURS
from tests.scenarios.conftest import Phone


class Clock:
    """The portal's clock (UTC), moved by hand; the server thread reads it too."""

    def __init__(self, monkeypatch, start: dt.datetime):
        self.now = start
        monkeypatch.setattr(feedback, "utcnow", lambda: self.now)

    def set(self, wib: str) -> None:
        """Set the clock to a wall-clock time in WIB (UTC+7), ``2026-03-02 14:59:02``."""
        self.now = dt.datetime.fromisoformat(wib) - dt.timedelta(hours=7)


@pytest.fixture
def loket(live_app):
    unit = factories.unit("Pelayanan Pendaftaran Penduduk")
    counter = factories.counter(unit, "Loket 1 — KTP-el")
    siti = factories.employee(unit, "Siti Rahmawati")
    ahmad = factories.employee(unit, "Ahmad Fauzi")
    for day in (dt.date(2026, 3, 2), dt.date(2026, 3, 3)):
        factories.shift(siti, counter, day, "08:00", "15:00")
        factories.shift(ahmad, counter, day, "15:00", "23:59")
    db.session.commit()
    return factories.survey_path(counter), siti, ahmad


def _stored():
    db.session.expire_all()
    return db.session.scalars(select(Response).order_by(Response.submitted_at)).all()


def test_a_page_open_over_a_shift_change_credits_whom_it_showed(served, loket, monkeypatch):
    path, siti, ahmad = loket
    clock = Clock(monkeypatch, dt.datetime(2026, 3, 2))
    early, late = Phone(served), Phone(served)

    clock.set("2026-03-02 14:59:02")
    page = early.get(path)
    assert "Siti Rahmawati" in page.text and "Ahmad Fauzi" not in page.text

    clock.set("2026-03-02 15:00:30")  # the shift changed while the citizen answered
    assert early.answer(path, ALL_FOURS, page=page).status == 303
    assert "Ahmad Fauzi" in late.get(path).text  # a page opened now names the next one
    assert late.answer(path, ALL_FOURS).status == 303

    first, second = _stored()
    assert (first.employee_id, first.attribution) == (siti.id, Attribution.ROSTER)
    assert first.opened_at == dt.datetime(2026, 3, 2, 7, 59, 2)
    assert first.submitted_at == dt.datetime(2026, 3, 2, 8, 0, 30)
    assert (second.employee_id, second.attribution) == (ahmad.id, Attribution.ROSTER)


def test_answers_kept_offline_count_on_the_day_of_service_for_whom_it_showed(
    served, loket, monkeypatch
):
    path, siti, ahmad = loket
    clock = Clock(monkeypatch, dt.datetime(2026, 3, 2))
    phone = Phone(served)

    clock.set("2026-03-02 23:50:00")
    page = phone.get(path)
    assert "Ahmad Fauzi" in page.text
    clock.set("2026-03-03 00:40:00")  # the phone had no signal until after midnight
    assert phone.answer(path, ALL_FOURS, page=page).status == 303

    [response] = _stored()
    assert response.employee_id == ahmad.id
    assert response.service_date == dt.date(2026, 3, 2)  # the day of the service


def test_answers_sent_hours_later_count_on_the_opening_day_and_credit_nobody(
    served, loket, monkeypatch
):
    path, siti, _ = loket
    clock = Clock(monkeypatch, dt.datetime(2026, 3, 2))
    phone = Phone(served)
    clock.set("2026-03-02 10:00:00")
    page = phone.get(path)
    assert "Siti Rahmawati" in page.text
    clock.set("2026-03-03 09:00:00")  # the next morning: beyond the two-hour window
    assert phone.answer(path, ALL_FOURS, page=page).status == 303

    [response] = _stored()
    assert response.employee_id is None and response.attribution == Attribution.LATE
    assert response.service_date == dt.date(2026, 3, 2)
    assert response.counter_id is not None  # still counted for the counter and the unit


def test_a_forged_opening_record_credits_nobody(served, loket, monkeypatch):
    path, siti, ahmad = loket
    clock = Clock(monkeypatch, dt.datetime(2026, 3, 2))
    phone = Phone(served)
    clock.set("2026-03-02 10:00:00")
    page = phone.get(path)
    fields = {**page.hidden(), "opened": page.hidden()["opened"][:-4] + "AAAA"}
    assert phone.post(path, {**fields, **ALL_FOURS}).status == 303
    [response] = _stored()
    assert response.employee_id is None and response.attribution == Attribution.UNVERIFIED
    assert response.opened_at is None
