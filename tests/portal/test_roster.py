"""Who served the citizen: the duty roster on the unit's wall clock."""

import datetime as dt

import pytest

from portal.services import roster
from tests import factories


@pytest.fixture
def setup(session):
    unit = factories.unit("Puskesmas", timezone="Asia/Jayapura")  # WIT, UTC+9
    counter = factories.counter(unit, "UGD")
    day_staff = factories.employee(unit, "Yuliana")
    night_staff = factories.employee(unit, "Hendra")
    factories.shift(day_staff, counter, dt.date(2026, 7, 1), "07:00", "15:00")
    factories.shift(night_staff, counter, dt.date(2026, 7, 1), "23:00", "07:00")
    session.commit()
    return counter, day_staff, night_staff


def _utc(local: str) -> dt.datetime:
    return dt.datetime.fromisoformat(local) - dt.timedelta(hours=9)


@pytest.mark.parametrize(
    ("local", "who"),
    [
        ("2026-07-01T06:59:59", None),
        ("2026-07-01T07:00:00", "day"),
        ("2026-07-01T14:59:59", "day"),
        ("2026-07-01T15:00:00", None),
        ("2026-07-01T23:30:00", "night"),
        ("2026-07-02T00:30:00", "night"),  # past midnight: still the shift of 1 July
        ("2026-07-02T06:59:00", "night"),
        ("2026-07-02T07:00:00", None),
        ("2026-06-30T23:30:00", None),
    ],
)
def test_shifts_are_read_on_the_units_wall_clock(session, setup, local, who):
    counter, day_staff, night_staff = setup
    expected = {"day": day_staff.id, "night": night_staff.id, None: None}[who]
    found = roster.on_duty(session, counter.id, counter.unit.timezone, _utc(local))
    assert (found.id if found else None) == expected


def test_an_inactive_employee_is_not_credited(session, setup):
    counter, day_staff, _ = setup
    day_staff.active = False
    session.commit()
    at = _utc("2026-07-01T08:00:00")
    assert roster.on_duty(session, counter.id, counter.unit.timezone, at) is None
