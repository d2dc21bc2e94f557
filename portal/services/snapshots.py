"""Frozen copies of directory rows: what a per-process cache may hold and share.

ORM instances belong to one session and one thread; the survey pages keep what they
read across requests and threads (``portal.services.directory``), so they keep these.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UnitInfo:
    id: int
    name: str
    timezone: str
    complaint_url: str | None = None


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
