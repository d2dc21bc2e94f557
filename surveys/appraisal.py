"""What the appraisal module is told, and when a period may be frozen for it.

Two rules live here, free of any framework:

- **The suggested expectation.** A valid score is compared with two configurable
  thresholds on the converted scale (25-100): at or above ``above`` suggests "above
  expectation", at or above ``meets`` "meets", anything lower "below". It is a
  suggestion for the supervisor, echoed with its thresholds; the predikat is theirs.
- **When a period may close.** Offline phones re-send answers late and count on the day
  they were opened, so a period is closed only once its last day plus a grace period
  has ended in every time zone its units keep (WIB ends last).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from surveys.periods import Period

ABOVE, MEETS, BELOW = "above", "meets", "below"
DEFAULT_GRACE_DAYS = 3


@dataclass(frozen=True)
class Thresholds:
    """Converted scores (25-100) at and above which a score suggests above / meets."""

    above: Decimal = Decimal("88.31")  # grade A's lower bound
    meets: Decimal = Decimal("76.61")  # grade B's lower bound

    def __post_init__(self):
        if not Decimal(25) <= self.meets <= self.above <= Decimal(100):
            raise ValueError("thresholds must satisfy 25 <= meets <= above <= 100")

    def suggest(self, converted: Decimal) -> str:
        """Return ``above``, ``meets`` or ``below`` for a converted score."""
        if converted >= self.above:
            return ABOVE
        if converted >= self.meets:
            return MEETS
        return BELOW


def closes_at(period: Period, zones: Iterable[str], grace_days: int) -> dt.datetime:
    """Return the UTC instant (naive) from which ``period`` may be closed.

    That is local midnight after the period's last day plus ``grace_days`` days, in the
    zone that reaches it last. Without any unit (no zones) Asia/Jakarta is assumed.
    """
    if grace_days < 0:
        raise ValueError("grace_days cannot be negative")
    day = period.end + dt.timedelta(days=grace_days)
    instants = [
        dt.datetime.combine(day, dt.time(), ZoneInfo(zone)).astimezone(dt.UTC)
        for zone in set(zones) or {"Asia/Jakarta"}
    ]
    return max(instants).replace(tzinfo=None)
