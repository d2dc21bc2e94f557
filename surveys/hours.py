"""A unit's service hours (jam layanan), written as a notice on the office door reads.

Text such as ``Sen-Jum 08:00-16:00; Sab 08:00-12:00`` or ``24 jam``: windows separated by
";", each a day or a range of days and a range of wall-clock times on the unit's local
clock. Days may be written in Indonesian (Sen Sel Rab Kam Jum Sab Min), in English (Mon
Tue Wed Thu Fri Sat Sun) or as ISO numbers (1 = Monday ... 7 = Sunday); a range of days
wraps past Sunday (``Sab-Sen``). A window whose end is not after its start runs past
midnight (``22:00-06:00``); ``24:00`` is the end of the day. ``format`` writes the
canonical Indonesian form back. Issue 16's integrity rules ask ``open_at``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from surveys.errors import SurveyError

DAY_NAMES = ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min")
_ALIASES = {
    **{name.lower(): n for n, name in enumerate(DAY_NAMES, start=1)},
    **{name: n for n, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), 1)},
    **{str(n): n for n in range(1, 8)},
    "senin": 1,
    "selasa": 2,
    "rabu": 3,
    "kamis": 4,
    "jumat": 5,
    "sabtu": 6,
    "minggu": 7,
    "ahad": 7,
}
ALWAYS = ("24 jam", "24 hours", "24/7", "setiap saat")
_WINDOW = re.compile(
    r"^(?P<first>[a-z0-9]+)(?:\s*-\s*(?P<last>[a-z0-9]+))?\s+"
    r"(?P<opens>\d{1,2}[:.]\d{2})\s*-\s*(?P<closes>\d{1,2}[:.]\d{2})$"
)
MAX_TEXT = 200


class InvalidHours(SurveyError):
    """Service hours that cannot be read; the message shows the accepted form."""

    http_status = 422


@dataclass(frozen=True)
class Window:
    weekdays: frozenset[int]  # ISO: 1 = Monday
    opens: int  # minutes after midnight
    closes: int  # minutes after midnight, 1440 for 24:00

    @property
    def overnight(self) -> bool:
        return self.closes <= self.opens

    def covers(self, weekday: int, minute: int) -> bool:
        if weekday in self.weekdays and self.opens <= minute:
            return self.overnight or minute < self.closes
        yesterday = 7 if weekday == 1 else weekday - 1
        return self.overnight and yesterday in self.weekdays and minute < self.closes


@dataclass(frozen=True)
class ServiceHours:
    windows: tuple[Window, ...]

    def open_at(self, local: dt.datetime) -> bool:
        """Whether the unit serves at this wall-clock moment."""
        minute = local.hour * 60 + local.minute
        return any(w.covers(local.isoweekday(), minute) for w in self.windows)


def _minutes(text: str, source: str) -> int:
    hours, minutes = (int(part) for part in re.split(r"[:.]", text))
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or (hours == 24 and minutes):
        raise InvalidHours(f"{source!r}: {text} is not a time of day.")
    return hours * 60 + minutes


def _day(name: str, source: str) -> int:
    try:
        return _ALIASES[name]
    except KeyError:
        raise InvalidHours(
            f"{source!r}: {name!r} is not a day (Sen ... Min, or 1 ... 7)."
        ) from None


def weekday(name: str) -> int | None:
    """Return the ISO weekday a day's name or number means (Sen, Senin, Mon, 1...), or None."""
    return _ALIASES.get((name or "").strip().lower())


def parse(text: str) -> ServiceHours:
    """Read service hours, or raise InvalidHours saying what is accepted."""
    source = (text or "").strip()
    if len(source) > MAX_TEXT:
        raise InvalidHours(f"Service hours are at most {MAX_TEXT} characters.")
    if source.lower() in ALWAYS:
        return ServiceHours((Window(frozenset(range(1, 8)), 0, 1440),))
    windows = []
    for part in filter(None, (p.strip() for p in source.split(";"))):
        match = _WINDOW.match(part.lower())
        if match is None:
            raise InvalidHours(f"{part!r}: write a window as 'Sen-Jum 08:00-16:00'.")
        first = _day(match["first"], part)
        last = _day(match["last"], part) if match["last"] else first
        days = frozenset(((first - 1 + step) % 7) + 1 for step in range((last - first) % 7 + 1))
        opens, closes = _minutes(match["opens"], part), _minutes(match["closes"], part)
        if opens == closes:
            raise InvalidHours(f"{part!r}: the window opens and closes at the same time.")
        windows.append(Window(days, opens, closes))
    if not windows:
        raise InvalidHours("Write at least one window, e.g. 'Sen-Jum 08:00-16:00'.")
    return ServiceHours(tuple(windows))


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _runs(weekdays: frozenset[int]) -> list[str]:
    """Consecutive days as ranges ("Sen-Jum"), single days alone ("Sab")."""
    runs, ordered = [], sorted(weekdays)
    for day in ordered:
        if runs and day == runs[-1][1] + 1:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [
        DAY_NAMES[a - 1] if a == b else f"{DAY_NAMES[a - 1]}-{DAY_NAMES[b - 1]}" for a, b in runs
    ]


def format(hours: ServiceHours) -> str:  # noqa: A001 - the module's own name for it
    """Write service hours in the canonical Indonesian form parse() reads back."""
    if hours.windows == (Window(frozenset(range(1, 8)), 0, 1440),):
        return "24 jam"
    return "; ".join(
        f"{days} {_clock(w.opens)}-{_clock(w.closes)}"
        for w in hours.windows
        for days in _runs(w.weekdays)
    )
