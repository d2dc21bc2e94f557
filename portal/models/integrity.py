"""The devices staff have logged in on, for the integrity rules."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class StaffDevice(Base):
    """A browser a staff account logged in on, known by the keyed hash of the device id
    the login gave it (``portal.citizen.device``).

    A survey answered from such a browser is flagged (``surveys.integrity``): an employee
    with the dashboard's phone in hand is not a citizen. Rows older than the retention
    are purged with the other hashes (``flask privacy purge``).
    """

    __tablename__ = "staff_device"
    __table_args__ = (
        UniqueConstraint("device_hash", "user_id"),
        Index("ix_staff_device_seen", "seen_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
