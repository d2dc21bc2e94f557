import datetime as dt

import pytest

from surveys.hours import InvalidHours, format, parse

MONDAY = dt.date(2026, 11, 30)


def at(day_offset: int, clock: str) -> dt.datetime:
    hours, minutes = map(int, clock.split(":"))
    return dt.datetime.combine(MONDAY + dt.timedelta(days=day_offset), dt.time(hours, minutes))


def test_office_hours_as_the_door_notice_reads():
    hours = parse("Sen-Jum 08:00-16:00; Sab 08.00-12.00")
    assert hours.open_at(at(0, "08:00")) and hours.open_at(at(4, "15:59"))
    assert not hours.open_at(at(0, "16:00")) and not hours.open_at(at(0, "07:59"))
    assert hours.open_at(at(5, "11:00")) and not hours.open_at(at(5, "12:30"))
    assert not hours.open_at(at(6, "10:00"))
    assert format(hours) == "Sen-Jum 08:00-16:00; Sab 08:00-12:00"


def test_overnight_windows_days_wrapping_past_sunday_and_around_the_clock():
    night = parse("Sab-Sen 22:00-06:00")  # Saturday, Sunday and Monday nights
    assert night.open_at(at(1, "05:59"))  # Tuesday morning: Monday's night
    assert not night.open_at(at(1, "22:30"))  # Tuesday night is not covered
    assert night.open_at(at(6, "23:00")) and night.open_at(at(0, "01:00"))
    always = parse("24 jam")
    assert always.open_at(at(2, "03:00")) and format(always) == "24 jam"
    assert parse("mon-fri 07:30-24:00").open_at(at(3, "23:59"))
    assert format(parse("1 08:00-12:00; 3 08:00-12:00")) == "Sen 08:00-12:00; Rab 08:00-12:00"


@pytest.mark.parametrize(
    "text",
    ["", "Sen 08:00", "Funday 08:00-16:00", "Sen-Jum 25:00-16:00", "Sen 08:00-08:00", "x" * 201],
)
def test_unreadable_hours_are_refused_with_the_form_to_use(text):
    with pytest.raises(InvalidHours):
        parse(text)
