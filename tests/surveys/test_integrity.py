"""The integrity rules, judged from evidence alone."""

import datetime as dt

import pytest

from surveys import hours, integrity
from surveys.integrity import Evidence, Flag, InvalidRules, Review, Rules

NOW = dt.datetime(2026, 6, 1, 3, 0)  # 10:00 in Jakarta, a Monday
WEEKDAYS = hours.parse("Sen-Jum 08:00-16:00")


def evidence(**changes) -> Evidence:
    values = {
        "submitted_at": NOW,
        "opened_at": NOW - dt.timedelta(minutes=2),
        "opened_local": dt.datetime(2026, 6, 1, 9, 58),
        "hours": WEEKDAYS,
        **changes,
    }
    return Evidence(**values)


def test_a_citizen_answering_once_in_office_hours_trips_nothing():
    assert integrity.judge(Rules(), evidence()) == Flag(0)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"same_device_earlier": 1}, Flag.DEVICE_REPEAT),
        ({"place_earlier": 20}, Flag.BURST),
        ({"opened_local": dt.datetime(2026, 6, 1, 19, 30)}, Flag.OUTSIDE_HOURS),
        ({"opened_local": dt.datetime(2026, 6, 6, 10, 0)}, Flag.OUTSIDE_HOURS),  # Saturday
        ({"opened_at": NOW - dt.timedelta(seconds=9)}, Flag.TOO_FAST),
        ({"staff_employees": frozenset({7})}, Flag.STAFF_DEVICE),
        ({"staff_employees": frozenset({None})}, Flag.STAFF_DEVICE),
        (
            {"staff_employees": frozenset({7}), "credited_employee_id": 7},
            Flag.STAFF_DEVICE | Flag.SELF_RATING,
        ),
    ],
)
def test_each_rule_trips_its_own_flag(changes, expected):
    assert integrity.judge(Rules(), evidence(**changes)) == expected


def test_thresholds_are_edges_not_approximations():
    rules = Rules(burst_max=20, min_seconds=10)
    assert not integrity.judge(rules, evidence(place_earlier=19))
    assert integrity.judge(rules, evidence(place_earlier=20)) == Flag.BURST
    assert not integrity.judge(rules, evidence(opened_at=NOW - dt.timedelta(seconds=10)))


def test_no_opening_record_and_no_hours_judge_nothing_about_time():
    found = evidence(opened_at=None, hours=None, opened_local=dt.datetime(2026, 6, 1, 23, 0))
    assert integrity.judge(Rules(), found) == Flag(0)


def test_only_enabled_rules_run():
    rules = Rules(enabled=Flag.BURST)
    assert integrity.judge(rules, evidence(same_device_earlier=3, place_earlier=25)) == Flag.BURST
    assert not Rules(enabled=Flag(0)).burst_reached(100)


def test_which_flags_exclude_and_what_a_review_decides():
    rules = Rules()
    assert rules.counted(Flag(0), None)
    assert not rules.counted(Flag.TOO_FAST, None)
    assert rules.counted(Flag.OUTSIDE_HOURS, None)  # flagged for review, still counted
    assert rules.counted(Flag.TOO_FAST, Review.CLEARED)
    assert not rules.counted(Flag.OUTSIDE_HOURS, Review.CONFIRMED)
    assert Rules(exclude=Flag(0)).counted(Flag.BURST | Flag.TOO_FAST, None)


def test_flag_names_round_trip_and_unknown_names_are_refused():
    assert integrity.parse_flags("burst, Too_Fast") == Flag.BURST | Flag.TOO_FAST
    assert integrity.parse_flags("") == integrity.parse_flags("none") == Flag(0)
    assert integrity.names(Flag.SELF_RATING | Flag.DEVICE_REPEAT) == [
        "device_repeat",
        "self_rating",
    ]
    assert integrity.parse_flags(",".join(integrity.names(integrity.ALL))) == integrity.ALL
    with pytest.raises(InvalidRules, match="stuffing"):
        integrity.parse_flags("stuffing")


@pytest.mark.parametrize(
    "bad",
    [
        {"burst_max": 0},
        {"min_seconds": -1},
        {"device_window": dt.timedelta(0)},
        {"burst_window": dt.timedelta(minutes=-5)},
    ],
)
def test_unusable_thresholds_are_refused(bad):
    with pytest.raises(InvalidRules):
        Rules(**bad)
