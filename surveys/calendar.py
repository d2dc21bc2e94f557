"""Local calendars: periods are cut on the unit's wall clock, not on UTC.

A response submitted at 23:30 WIB on the last day of a month belongs to that month
even though it is already 16:30 UTC of the same day, and one submitted at 00:30 WIT
on the first belongs to the new month although UTC still shows the old one.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

# The three Indonesian zones; any IANA name works, these are the ones offered.
ZONES = {
    "Asia/Jakarta": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def to_local(utc: dt.datetime, zone: str) -> dt.datetime:
    """Return the wall-clock time in ``zone`` of a naive-UTC or aware instant."""
    if utc.tzinfo is None:
        utc = utc.replace(tzinfo=dt.UTC)
    return utc.astimezone(ZoneInfo(zone))


def to_utc(local: dt.datetime, zone: str) -> dt.datetime:
    """Return the naive UTC instant of a wall-clock time in ``zone``."""
    aware = local.replace(tzinfo=ZoneInfo(zone)) if local.tzinfo is None else local
    return aware.astimezone(dt.UTC).replace(tzinfo=None)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def local_month(utc: dt.datetime, zone: str) -> dt.date:
    """Return the first day of the local month in which ``utc`` falls."""
    return month_start(to_local(utc, zone).date())
