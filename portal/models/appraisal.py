"""What the appraisal module touches: its API keys, its calls, and frozen periods.

An appraisal cites a score; a year later it must be able to cite the same score again.
So a closed period is a snapshot: the exact JSON objects the API served when it was
closed, stored as text and served back byte for byte. Late answers, integrity reviews
and roster corrections change the live rollups, never a snapshot.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow


class ApiClient(Base):
    """A system allowed to pull scores, scoped to a unit subtree or (unit NULL) the Pemda.

    Only a SHA-256 of the key is kept: the key is 256 random bits, so a fast hash is
    as safe as a slow one and keeps each call's lookup to one indexed read.
    """

    __tablename__ = "api_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The key's first characters, to tell keys apart on the admin page and in logs.
    key_prefix: Mapped[str] = mapped_column(String(12))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    unit = relationship("Unit")

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ApiCall(Base):
    """One authenticated call: who, which route, what answer, when, how long."""

    __tablename__ = "api_call"
    __table_args__ = (Index("ix_api_call_client_at", "client_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("api_client.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    method: Mapped[str] = mapped_column(String(8))
    route: Mapped[str] = mapped_column(String(120))  # the URL rule, not the path
    path: Mapped[str] = mapped_column(String(300))
    status: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[int] = mapped_column(Integer)


class PeriodSnapshot(Base):
    """One closing of a period: version 1 at the first close, +1 at each close after a
    reopening. A reopened snapshot stays readable by id."""

    __tablename__ = "period_snapshot"
    __table_args__ = (UniqueConstraint("period", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(24), index=True)  # "2026-Q3"
    version: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(40))
    closed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_by: Mapped[str] = mapped_column(String(80))
    reopened_at: Mapped[dt.datetime | None]
    reopened_by: Mapped[str | None] = mapped_column(String(80))
    reopen_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def current(self) -> bool:
        return self.reopened_at is None


class SnapshotEntry(Base):
    """One frozen score object: an employee's or a unit's, as the API serves it."""

    __tablename__ = "snapshot_entry"
    __table_args__ = (
        UniqueConstraint("snapshot_id", "kind", "subject_id"),
        Index("ix_snapshot_entry_nip", "snapshot_id", "kind", "sort_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("period_snapshot.id"))
    kind: Mapped[str] = mapped_column(String(10))  # "employee" or "unit"
    subject_id: Mapped[int] = mapped_column(Integer)  # employee.id or unit.id
    # The employee's unit when the period closed: what an API client's scope is
    # checked against, whatever moves happen later.
    unit_id: Mapped[int] = mapped_column(Integer)
    sort_key: Mapped[str] = mapped_column(String(24))  # the NIP, or the unit id padded
    body: Mapped[str] = mapped_column(Text)  # canonical JSON
