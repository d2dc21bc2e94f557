"""Reporting periods on a unit's local calendar: month, triwulan, semester, year, range.

``parse("2026-07")``, ``parse("2026-Q3")``, ``parse("2026-S2")``, ``parse("2026")`` and
``parse("2026-07-01..2026-07-15")`` (both ends included). Dates are local dates; the
report service turns them into buckets of the rollups, which are cut on local time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from surveys.errors import SurveyError

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_SEMESTER = re.compile(r"^(\d{4})-[Ss]([12])$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
MAX_RANGE_DAYS = 3 * 366
FIRST_YEAR, LAST_YEAR = 2000, 2100


class InvalidPeriod(SurveyError):
    """A period string that names no period we report on."""


@dataclass(frozen=True)
class Period:
    """Local dates ``start`` (included) to ``end`` (excluded)."""

    kind: str  # "month", "quarter", "semester", "year", "range", "week"
    start: dt.date
    end: dt.date
    code: str

    def __str__(self) -> str:
        return self.code

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def whole_months(self) -> tuple[dt.date, dt.date] | None:
        """Return the first and past-the-last month start fully inside the period."""
        first = self.start if self.start.day == 1 else _next_month(self.start)
        last = self.end.replace(day=1)
        return (first, last) if first < last else None

    def loose_days(self) -> list[tuple[dt.date, dt.date]]:
        """Return the day ranges not covered by whole months (a range's ragged edges)."""
        months = self.whole_months()
        if months is None:
            return [(self.start, self.end)]
        edges = [(self.start, months[0]), (months[1], self.end)]
        return [(a, b) for a, b in edges if a < b]

    def months(self) -> list[Period]:
        """Return the calendar months the period touches, clipped to it."""
        result, cursor = [], self.start.replace(day=1)
        while cursor < self.end:
            following = _next_month(cursor)
            start, end = max(cursor, self.start), min(following, self.end)
            result.append(Period("month", start, end, cursor.strftime("%Y-%m")))
            cursor = following
        return result

    def weeks(self) -> list[Period]:
        """Return ISO weeks (Monday to Sunday) the period touches, clipped to it."""
        result = []
        cursor = self.start - dt.timedelta(days=self.start.weekday())
        while cursor < self.end:
            following = cursor + dt.timedelta(days=7)
            year, week, _ = cursor.isocalendar()
            start, end = max(cursor, self.start), min(following, self.end)
            result.append(Period("week", start, end, f"{year}-W{week:02d}"))
            cursor = following
        return result


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _year(text: str) -> int:
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidPeriod(f"Year {year} is outside {FIRST_YEAR}-{LAST_YEAR}.")
    return year


def month(year: int, number: int) -> Period:
    start = dt.date(year, number, 1)
    return Period("month", start, _next_month(start), f"{year}-{number:02d}")


def recent(today: dt.date) -> list[Period]:
    """Return the periods a reader most often picks, newest first: the last 12 months,
    the last 4 triwulan, the last 2 semesters and the last 2 years (today's included)."""
    months, cursor = [], dt.date(today.year, today.month, 1)
    for _ in range(12):
        months.append(month(cursor.year, cursor.month))
        cursor = (cursor - dt.timedelta(days=1)).replace(day=1)
    quarter = (today.month - 1) // 3 + 1
    quarters = []
    year = today.year
    for _ in range(4):
        quarters.append(parse(f"{year}-Q{quarter}"))
        quarter, year = (quarter - 1, year) if quarter > 1 else (4, year - 1)
    half = 1 if today.month <= 6 else 2
    semesters = [parse(f"{today.year}-S{half}")]
    semesters.append(parse(f"{today.year}-S1") if half == 2 else parse(f"{today.year - 1}-S2"))
    years = [parse(str(today.year)), parse(str(today.year - 1))]
    return months + quarters + semesters + years


def parse(text: str) -> Period:
    """Return the period a string names, or raise InvalidPeriod saying what is accepted."""
    text = (text or "").strip()
    if m := _YEAR.match(text):
        year = _year(m[1])
        return Period("year", dt.date(year, 1, 1), dt.date(year + 1, 1, 1), text)
    if m := _MONTH.match(text):
        year, number = _year(m[1]), int(m[2])
        if not 1 <= number <= 12:
            raise InvalidPeriod(f"{text}: the month must be 01-12.")
        return month(year, number)
    if m := _QUARTER.match(text):
        year, quarter = _year(m[1]), int(m[2])
        start = dt.date(year, 3 * quarter - 2, 1)
        end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
        return Period("quarter", start, end, f"{year}-Q{quarter}")
    if m := _SEMESTER.match(text):
        year, half = _year(m[1]), int(m[2])
        start = dt.date(year, 1 if half == 1 else 7, 1)
        end = dt.date(year, 7, 1) if half == 1 else dt.date(year + 1, 1, 1)
        return Period("semester", start, end, f"{year}-S{half}")
    if m := _RANGE.match(text):
        try:
            first, last = dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])
        except ValueError:
            raise InvalidPeriod(f"{text}: not a valid date.") from None
        _year(str(first.year)), _year(str(last.year))
        if last < first:
            raise InvalidPeriod(f"{text}: the range ends before it starts.")
        if (last - first).days >= MAX_RANGE_DAYS:
            raise InvalidPeriod(f"{text}: a range may span at most {MAX_RANGE_DAYS} days.")
        return Period("range", first, last + dt.timedelta(days=1), text)
    raise InvalidPeriod(
        f"{text!r} is not a period. Use 2026 (year), 2026-S2 (semester), 2026-Q3 "
        "(triwulan), 2026-07 (month) or 2026-07-01..2026-07-15 (date range)."
    )


def trailing_months(period: Period, count: int = 12) -> Period:
    """Return the ``count`` calendar months ending with the period's last month: the
    window of a trend drawn up to the period."""
    last = period.end - dt.timedelta(days=1)
    first = last.replace(day=1)
    for _ in range(count - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return parse(f"{first.isoformat()}..{last.isoformat()}")
