import datetime as dt

import pytest

from surveys.periods import InvalidPeriod, parse, recent

D = dt.date


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2026", "year", D(2026, 1, 1), D(2027, 1, 1)),
        ("2026-S1", "semester", D(2026, 1, 1), D(2026, 7, 1)),
        ("2026-s2", "semester", D(2026, 7, 1), D(2027, 1, 1)),
        ("2026-Q1", "quarter", D(2026, 1, 1), D(2026, 4, 1)),
        ("2026-Q3", "quarter", D(2026, 7, 1), D(2026, 10, 1)),
        ("2026-Q4", "quarter", D(2026, 10, 1), D(2027, 1, 1)),
        ("2026-07", "month", D(2026, 7, 1), D(2026, 8, 1)),
        ("2026-12", "month", D(2026, 12, 1), D(2027, 1, 1)),
        (" 2026-07-01..2026-07-15 ", "range", D(2026, 7, 1), D(2026, 7, 16)),
        ("2026-07-15..2026-07-15", "range", D(2026, 7, 15), D(2026, 7, 16)),
    ],
)
def test_periods_parse_to_local_date_spans(text, kind, start, end):
    period = parse(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026-13",
        "2026-00",
        "2026-Q5",
        "2026-S3",
        "26-07",
        "2026-7",
        "1999",
        "2026-02-30..2026-03-01",
        "2026-07-15..2026-07-01",
        "2020-01-01..2026-01-01",
        "juli 2026",
        "2026-W27",
        None,
    ],
)
def test_bad_period_strings_are_refused_with_guidance(text):
    with pytest.raises(InvalidPeriod):
        parse(text)


def test_a_range_splits_into_whole_months_and_ragged_edges():
    period = parse("2026-06-15..2026-08-10")
    assert period.whole_months() == (D(2026, 7, 1), D(2026, 8, 1))
    assert period.loose_days() == [(D(2026, 6, 15), D(2026, 7, 1)), (D(2026, 8, 1), D(2026, 8, 11))]
    inside = parse("2026-07-03..2026-07-20")
    assert inside.whole_months() is None
    assert inside.loose_days() == [(D(2026, 7, 3), D(2026, 7, 21))]
    assert parse("2026-Q3").loose_days() == []


def test_months_and_weeks_cover_the_period_exactly():
    period = parse("2026-06-15..2026-08-10")
    months = period.months()
    assert [m.code for m in months] == ["2026-06", "2026-07", "2026-08"]
    assert months[0].start == D(2026, 6, 15) and months[-1].end == D(2026, 8, 11)
    weeks = parse("2026").weeks()
    assert weeks[0].start == D(2026, 1, 1) and weeks[-1].end == D(2027, 1, 1)
    assert sum(w.days for w in weeks) == 365
    assert weeks[0].code == "2026-W01" and weeks[-1].code == "2026-W53"


def test_recent_periods_cover_a_year_of_months_and_cross_year_boundaries():
    found = [p.code for p in recent(dt.date(2026, 2, 1))]
    assert found[:3] == ["2026-02", "2026-01", "2025-12"] and len(found) == 12 + 4 + 2 + 2
    assert found[12:16] == ["2026-Q1", "2025-Q4", "2025-Q3", "2025-Q2"]
    assert found[16:] == ["2026-S1", "2025-S2", "2026", "2025"]
    assert [p.code for p in recent(dt.date(2026, 8, 31))][16:18] == ["2026-S2", "2026-S1"]


def test_a_trend_window_is_the_twelve_months_ending_with_the_periods_last_month():
    from surveys.periods import parse, trailing_months

    window = trailing_months(parse("2026-Q3"))
    assert (window.start, window.end) == (dt.date(2025, 10, 1), dt.date(2026, 10, 1))
    assert len(window.months()) == 12
    short = trailing_months(parse("2026-03-05..2026-03-09"), 3)
    assert (short.start, short.end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 10))
