"""Who was on duty, decided from roster shifts on the unit's wall clock."""

import datetime as dt

import pytest

from surveys.roster import Shift, days_to_read, on_duty

JULY_1 = dt.date(2026, 7, 1)
DAY = Shift(1, JULY_1, dt.time(7), dt.time(15))
NIGHT = Shift(2, JULY_1, dt.time(23), dt.time(7))
UNTIL_MIDNIGHT = Shift(3, JULY_1, dt.time(16), dt.time(0))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-07-01T06:59:59", None),
        ("2026-07-01T07:00:00", 1),  # a shift starts on its first minute
        ("2026-07-01T15:00:00", None),  # and is over on its last
        ("2026-07-01T23:00:00", 2),
        ("2026-07-02T06:59:00", 2),  # past midnight: still the shift of 1 July
        ("2026-07-02T07:00:00", None),
        ("2026-06-30T23:30:00", None),  # the night before the roster starts
    ],
)
def test_a_moment_is_credited_to_the_one_shift_covering_it(moment, expected):
    assert on_duty([DAY, NIGHT], at(moment)) == expected


def test_a_shift_ending_at_midnight_runs_to_the_end_of_its_day():
    assert on_duty([UNTIL_MIDNIGHT], at("2026-07-01T23:59:59")) == 3
    assert on_duty([UNTIL_MIDNIGHT], at("2026-07-02T00:00:00")) is None


def test_two_people_on_duty_at_once_credits_neither():
    overlapping = Shift(4, JULY_1, dt.time(14), dt.time(22))
    assert on_duty([DAY, overlapping], at("2026-07-01T14:30:00")) is None
    assert on_duty([DAY, overlapping], at("2026-07-01T15:30:00")) == 4


def test_two_shifts_of_the_same_person_still_credit_them():
    again = Shift(1, JULY_1, dt.time(12), dt.time(18))
    assert on_duty([DAY, again], at("2026-07-01T13:00:00")) == 1


def test_the_roster_days_to_read_are_the_day_and_the_day_before():
    assert days_to_read(JULY_1) == (dt.date(2026, 6, 30), JULY_1)
