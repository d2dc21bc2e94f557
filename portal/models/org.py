"""The organisation: units, counters (loket), service types, employees and duty shifts."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Time, true
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.models.base import Base, utcnow
from surveys import nip
from surveys.errors import InvalidNIP

if TYPE_CHECKING:
    from portal.models.feedback import Instrument


class UnitKind:
    PEMDA = "pemda"
    OPD = "opd"
    SERVICE_UNIT = "unit"


class Unit(Base):
    """A node of the tree pemerintah daerah -> OPD/dinas -> unit layanan."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default=UnitKind.SERVICE_UNIT)
    # IANA name: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT).
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Jakarta")
    instrument_id: Mapped[int | None] = mapped_column(ForeignKey("instrument.id"))
    complaint_url: Mapped[str | None] = mapped_column(String(300))
    # Jam layanan as written on the door, read by surveys.hours ("Sen-Jum 08:00-16:00").
    service_hours: Mapped[str | None] = mapped_column(String(200))
    # A deactivated unit keeps its history; its survey links (and those below) stop.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")
    counters: Mapped[list[Counter]] = relationship(back_populates="unit")
    instrument: Mapped[Instrument | None] = relationship()


class Counter(Base):
    """A loket. Its QR token carries ``token_version``; bumping it revokes every poster."""

    __tablename__ = "counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(back_populates="counters")


class ServiceType(Base):
    """A jenis layanan a citizen may say they came for."""

    __tablename__ = "service_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    unit: Mapped[Unit] = relationship()


class Employee(Base):
    """A civil servant (PNS or PPPK) who serves citizens; keyed for appraisal by NIP."""

    __tablename__ = "employee"

    id: Mapped[int] = mapped_column(primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    position: Mapped[str | None] = mapped_column(String(160))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    # "pns" or "pppk": decides how the NIP is validated.
    kind: Mapped[str] = mapped_column(String(4), default="pns")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Version of the employee's personal QR card; bumping it revokes printed cards.
    card_version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped[Unit] = relationship()

    def __init__(self, **kwargs):
        # The kind decides how the NIP is read, so it is set (default PNS) before the NIP.
        super().__init__(kind=kwargs.pop("kind", "pns"), **kwargs)

    @validates("nip", "kind")
    def _check_nip(self, key: str, value: str) -> str:
        """Refuse a NIP that cannot be real; the kind decides whether digits 13-14 are a month."""
        if key == "kind":
            if value not in ("pns", "pppk"):
                raise InvalidNIP("Employee kind must be 'pns' or 'pppk'.")
            if self.nip:
                nip.parse(self.nip, nip.Kind(value))
            return value
        return nip.parse(value, nip.Kind(self.kind)).value


class DutyShift(Base):
    """Who serves at a counter, on a local day between two local times.

    Times are the unit's wall-clock times, as a roster is written. A shift whose end
    is not after its start runs past midnight into the next day (a 22:00-06:00 shift,
    or 16:00-00:00 for "until midnight").
    """

    __tablename__ = "duty_shift"
    __table_args__ = (Index("ix_duty_shift_counter_day", "counter_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counter.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    starts: Mapped[dt.time] = mapped_column(Time)
    ends: Mapped[dt.time] = mapped_column(Time)

    employee: Mapped[Employee] = relationship()
    counter: Mapped[Counter] = relationship()


class RosterPattern(Base):
    """A weekly shift: every ``weekday`` (ISO, 1 = Monday) this employee serves at this
    counter between two wall-clock times. Publishing a week turns the patterns into
    that week's duty shifts, which alone decide attribution."""

    __tablename__ = "roster_pattern"

    id: Mapped[int] = mapped_column(primary_key=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counter.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    starts: Mapped[dt.time] = mapped_column(Time)
    ends: Mapped[dt.time] = mapped_column(Time)

    employee: Mapped[Employee] = relationship()
    counter: Mapped[Counter] = relationship()


class Absence(Base):
    """A day an employee does not serve (leave, training, sick): publishing skips it,
    and recording it removes their shifts of that day."""

    __tablename__ = "absence"
    __table_args__ = (Index("ix_absence_employee_day", "employee_id", "day", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))

    employee: Mapped[Employee] = relationship()
