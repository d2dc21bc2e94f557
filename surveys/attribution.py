"""Who gets credit for a response, and which day it counts for: decided by service time.

A citizen is served, opens the survey on their phone, and sends the answers a minute or
a few hours later (on a slow network, or kept on the phone and re-sent when it is back).
What the answers describe is the service at the moment the page was opened: the page
named the person on duty then. So the survey page carries a signed record of when it was
opened and whom it showed, and the response is credited and dated by that record, not
by the moment the answers arrive (``docs/decisions/0004-service-time.md``).

- A valid record, answered within the window (default two hours): the response counts
  on the opening day and credits whom the page showed (a personal card: its employee).
- A valid record, answered later than that: it still counts on the opening day, for
  the counter and the unit, but credits nobody (``late``): after hours the citizen's
  memory of who served them is no longer the page's to vouch for.
- No valid record (a page from before this rule, a tampered field, a page of another
  counter, an opening time from the future): it counts on the day it arrived and
  credits nobody (``unverified``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_WINDOW = dt.timedelta(hours=2)
# Servers behind one load balancer disagree by a few seconds at most; an opening time
# further in the future than this was not written by us.
CLOCK_SKEW = dt.timedelta(minutes=5)


class Attribution(StrEnum):
    """How a response came to name (or not name) the employee who served."""

    ROSTER = "roster"  # the page showed the employee the roster had on duty
    CARD = "card"  # the citizen scanned the employee's personal QR card
    NONE = "none"  # nobody was on duty (or two were): counter and unit only
    LATE = "late"  # answered beyond the window: counter and unit only
    UNVERIFIED = "unverified"  # no valid opening record: counter and unit only


@dataclass(frozen=True)
class Opening:
    """What a valid signed opening record says: when the page was opened, whom it showed."""

    opened_at: dt.datetime  # naive UTC
    shown_employee_id: int | None


@dataclass(frozen=True)
class Credit:
    """The decision: the instant the response counts at, and whom it credits."""

    counts_at: dt.datetime  # naive UTC; its local date in the unit's zone is the day
    opened_at: dt.datetime | None
    employee_id: int | None
    attribution: Attribution


def credit(
    opening: Opening | None,
    submitted_at: dt.datetime,
    *,
    card_employee_id: int | None = None,
    window: dt.timedelta = DEFAULT_WINDOW,
) -> Credit:
    """Return whom a response submitted at ``submitted_at`` (naive UTC) credits, and when."""
    if opening is None or opening.opened_at - submitted_at > CLOCK_SKEW:
        return Credit(submitted_at, None, None, Attribution.UNVERIFIED)
    opened_at = min(opening.opened_at, submitted_at)
    if submitted_at - opened_at > window:
        return Credit(opened_at, opened_at, None, Attribution.LATE)
    if card_employee_id is not None:
        return Credit(opened_at, opened_at, card_employee_id, Attribution.CARD)
    if opening.shown_employee_id is not None:
        return Credit(opened_at, opened_at, opening.shown_employee_id, Attribution.ROSTER)
    return Credit(opened_at, opened_at, None, Attribution.NONE)
