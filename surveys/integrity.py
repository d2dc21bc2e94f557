"""Integrity flags: which responses look like stuffing, and which of them stop counting.

Scores about a person feed that person's appraisal, so the portal will be gamed: most
likely by an employee with a phone next to the QR code, or by someone flooding a
rival's counter. The submission limits (``docs/decisions/0005-submission-limits.md``)
refuse the crudest of it at the door; these rules look at each response that got in,
judge it from facts the portal gathers at submission (``Evidence``), and flag it. A
flagged response is kept, shown with its reasons to unit heads and admins, and, for
the flags configured to exclude (``Rules.exclude``), counted in no score until a
reviewer clears it. A reviewer may also confirm a flag-only response as stuffing.

The rules, each with its own flag:

- ``DEVICE_REPEAT``: the same device already answered at this counter (or card) within
  the device window. A citizen is served once; the second answer is the suspicious one.
- ``BURST``: more answers at one counter within the burst window than it can serve
  citizens. The whole burst is flagged, its first answers too (``Rules.burst_reached``).
- ``OUTSIDE_HOURS``: the page was opened when the unit does not serve.
- ``TOO_FAST``: answered sooner after the page opened than a person can read it.
- ``STAFF_DEVICE``: the device has been used to log in as staff.
- ``SELF_RATING``: the response credits the very employee whose account logged in on
  this device: an employee rating themselves.

Everything here is pure: no clock, no database. Thresholds come from configuration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntFlag, StrEnum

from surveys.errors import SurveyError
from surveys.hours import ServiceHours


class Flag(IntFlag):
    """One bit per rule; a response stores the union of the rules it tripped."""

    DEVICE_REPEAT = 1
    BURST = 2
    OUTSIDE_HOURS = 4
    TOO_FAST = 8
    STAFF_DEVICE = 16
    SELF_RATING = 32


ALL = Flag(sum(Flag))
# Answers outside service hours are flagged for a reviewer but still count: a citizen
# may open the poster's link on the way home. Every other rule excludes by default.
DEFAULT_EXCLUDE = ALL & ~Flag.OUTSIDE_HOURS
# Stable names, used in configuration, the API (``excluded_responses.by_reason``) and
# exports; the display texts live in the web layer.
NAMES = {
    Flag.DEVICE_REPEAT: "device_repeat",
    Flag.BURST: "burst",
    Flag.OUTSIDE_HOURS: "outside_hours",
    Flag.TOO_FAST: "too_fast",
    Flag.STAFF_DEVICE: "staff_device",
    Flag.SELF_RATING: "self_rating",
}
_BY_NAME = {name: flag for flag, name in NAMES.items()}


class Review(StrEnum):
    """A reviewer's decision on a flagged response."""

    CONFIRMED = "confirmed"  # stuffing: excluded, whatever its flags
    CLEARED = "cleared"  # a genuine answer: counted, whatever its flags


class InvalidRules(SurveyError):
    """A configured rule name or threshold that cannot be used."""


def parse_flags(text: str) -> Flag:
    """Return the flags named in a comma-separated list ("burst, too_fast"); "" or "none"
    is none."""
    flags = Flag(0)
    for name in (part.strip().lower() for part in text.split(",")):
        if not name or name == "none":
            continue
        if name not in _BY_NAME:
            known = ", ".join(NAMES.values())
            raise InvalidRules(f"Unknown integrity flag {name!r}; known: {known}.")
        flags |= _BY_NAME[name]
    return flags


def names(flags: int) -> list[str]:
    """Return the names of ``flags``, in the rules' order."""
    return [name for flag, name in NAMES.items() if flags & flag]


@dataclass(frozen=True)
class Rules:
    """Which rules run, which exclude, and their thresholds."""

    enabled: Flag = ALL
    exclude: Flag = DEFAULT_EXCLUDE
    device_window: dt.timedelta = dt.timedelta(hours=4)
    # A loket serves a citizen every few minutes; one a minute for twenty minutes is
    # beyond it. Citizens arrive in clusters, so a shorter window would catch queues.
    burst_max: int = 20
    burst_window: dt.timedelta = dt.timedelta(minutes=20)
    min_seconds: int = 10

    def __post_init__(self):
        if self.burst_max < 1 or self.min_seconds < 0:
            raise InvalidRules("The burst maximum must be at least 1 and seconds not negative.")
        if self.device_window <= dt.timedelta(0) or self.burst_window <= dt.timedelta(0):
            raise InvalidRules("Integrity windows must be longer than zero.")

    def burst_reached(self, earlier_in_window: int) -> bool:
        """Whether one more answer at a counter that already has ``earlier_in_window``
        within the burst window makes a burst."""
        return bool(self.enabled & Flag.BURST) and earlier_in_window + 1 > self.burst_max

    def counted(self, flags: int, review: str | None) -> bool:
        """Whether a response with ``flags`` and ``review`` counts in scores."""
        if review == Review.CLEARED:
            return True
        if review == Review.CONFIRMED:
            return False
        return not flags & self.exclude


@dataclass(frozen=True)
class Evidence:
    """What the portal knows around one submission, gathered when it arrives."""

    submitted_at: dt.datetime  # naive UTC
    opened_at: dt.datetime | None  # naive UTC, from a valid signed opening record
    opened_local: dt.datetime  # the opening (else arrival) on the unit's wall clock
    hours: ServiceHours | None  # the unit's service hours, when it has set them
    # Earlier responses at the same counter (or card) from this device within the
    # device window, and from anyone within the burst window.
    same_device_earlier: int = 0
    place_earlier: int = 0
    # Employees whose staff accounts logged in on this device (empty: not a staff device;
    # a staff account with no employee adds None).
    staff_employees: frozenset[int | None] = field(default_factory=frozenset)
    credited_employee_id: int | None = None


def judge(rules: Rules, evidence: Evidence) -> Flag:
    """Return the flags ``evidence`` trips under ``rules``."""
    flags = Flag(0)
    if evidence.same_device_earlier > 0:
        flags |= Flag.DEVICE_REPEAT
    if rules.burst_reached(evidence.place_earlier):
        flags |= Flag.BURST
    if evidence.hours is not None and not evidence.hours.open_at(evidence.opened_local):
        flags |= Flag.OUTSIDE_HOURS
    if evidence.opened_at is not None:
        taken = evidence.submitted_at - evidence.opened_at
        if taken < dt.timedelta(seconds=rules.min_seconds):
            flags |= Flag.TOO_FAST
    if evidence.staff_employees:
        flags |= Flag.STAFF_DEVICE
        credited = evidence.credited_employee_id
        if credited is not None and credited in evidence.staff_employees:
            flags |= Flag.SELF_RATING
    return flags & rules.enabled
