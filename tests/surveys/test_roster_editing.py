import datetime as dt

from surveys.roster import Pattern, Slot, conflicts, expand

MONDAY = dt.date(2026, 11, 30)
T = dt.time


def slot(employee, counter, day_offset, starts, ends):
    return Slot(employee, counter, MONDAY + dt.timedelta(days=day_offset), T(*starts), T(*ends))


def test_one_employee_cannot_be_at_two_counters_at_once():
    existing = [slot(1, 10, 0, (8, 0), (12, 0))]
    [found] = conflicts(existing, slot(1, 11, 0, (11, 0), (13, 0)))
    assert found.reason == "employee_busy"
    assert conflicts(existing, slot(1, 11, 0, (12, 0), (16, 0))) == []  # back to back


def test_two_employees_cannot_share_a_counter_at_once():
    existing = [slot(1, 10, 0, (8, 0), (16, 0))]
    assert [c.reason for c in conflicts(existing, slot(2, 10, 0, (15, 0), (17, 0)))] == [
        "counter_taken"
    ]
    assert conflicts(existing, slot(2, 11, 0, (8, 0), (16, 0))) == []  # another counter


def test_overnight_shifts_conflict_into_the_next_morning():
    night = [slot(1, 10, 0, (22, 0), (6, 0))]
    assert conflicts(night, slot(2, 10, 1, (5, 0), (13, 0)))[0].reason == "counter_taken"
    assert conflicts(night, slot(2, 10, 1, (6, 0), (14, 0))) == []
    assert (
        slot(1, 10, 0, (16, 0), (0, 0)).span()[1] - slot(1, 10, 0, (16, 0), (0, 0)).span()[0] == 480
    )


def test_a_weekly_pattern_expands_into_a_week_without_the_absent_days():
    patterns = [Pattern(1, 10, weekday, T(8), T(16)) for weekday in range(1, 6)]
    week = expand(patterns, MONDAY, absent=[(1, MONDAY + dt.timedelta(days=2))])
    assert [s.day.isoweekday() for s in week] == [1, 2, 4, 5]
