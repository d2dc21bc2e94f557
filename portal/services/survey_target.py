"""What a survey link resolves to, as frozen plain values.

ORM instances belong to one session and one thread; the survey pages keep what they
read across requests and threads (``portal.services.directory``), so they keep these.
"""

from __future__ import annotations

from dataclasses import dataclass

from surveys.hours import ServiceHours
from surveys.instruments import Instrument


@dataclass(frozen=True)
class UnitInfo:
    id: int
    name: str
    timezone: str
    complaint_url: str | None = None
    hours: ServiceHours | None = None  # the jam layanan, when the unit has set them


@dataclass(frozen=True)
class CounterInfo:
    id: int
    name: str


@dataclass(frozen=True)
class StaffInfo:
    """An employee as a citizen sees them (the name on the page) and as a response credits them."""

    id: int
    name: str
    active: bool = True


@dataclass(frozen=True)
class ServiceTypeInfo:
    id: int
    name: str


@dataclass(frozen=True)
class SurveyTarget:
    """Everything the survey page needs to know about the place it was opened at.

    It holds plain values, read under the directory stamp ``stamp``, so that one process
    can keep it for every citizen who opens the same link until the directory changes.
    """

    stamp: str
    unit: UnitInfo
    instrument_id: int
    instrument: Instrument
    counter: CounterInfo | None = None
    card_employee: StaffInfo | None = None
    service_types: tuple[ServiceTypeInfo, ...] = ()
    lineage: tuple[UnitInfo, ...] = ()  # root first, ``unit`` last
