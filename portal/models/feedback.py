"""Instruments, citizens' responses and the rollups of additive statistics."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base
from surveys.attribution import Attribution
from surveys.instruments import UNSUR_CODES
from surveys.respondents import PROFILE_COLUMNS
from surveys.statistics import COUNT_KEYS


class Instrument(Base):
    """A stored copy of a questionnaire version; responses keep the one they answered."""

    __tablename__ = "instrument"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    # Parsed once per process (services.instruments); loading it on every survey would
    # decode the whole questionnaire each time a citizen opens one.
    definition: Mapped[dict] = mapped_column(JSON, deferred=True)


class Response(Base):
    """One citizen's answers. The id is generated in the form, so a resubmission is a no-op.

    ``service_date`` is the unit-local day the response counts for: the day the survey
    page was opened, when its signed opening record is valid (``surveys.attribution``),
    else the day the answers arrived. Every rollup and report buckets by it.
    """

    __tablename__ = "response"
    __table_args__ = (
        Index("ix_response_unit_service_date", "unit_id", "service_date"),
        Index("ix_response_employee_service_date", "employee_id", "service_date"),
        Index("ix_response_counter_service_date", "counter_id", "service_date"),
        # Comments, newest first, found without reading the responses that have none:
        # the comments page walks this index and stops at a page's worth.
        Index(
            "ix_response_commented_submitted",
            "submitted_at",
            "id",
            sqlite_where=text("comment IS NOT NULL AND comment <> ''"),
            postgresql_where=text("comment IS NOT NULL AND comment <> ''"),
        ),
        Index(
            "ix_response_commented_unit_day",
            "unit_id",
            "service_date",
            sqlite_where=text("comment IS NOT NULL AND comment <> ''"),
            postgresql_where=text("comment IS NOT NULL AND comment <> ''"),
        ),
        # Flagged responses, by unit and day: the review list and the excluded counts
        # read only these few rows, never the whole period's responses.
        Index(
            "ix_response_flagged_unit_day",
            "unit_id",
            "service_date",
            sqlite_where=text("flags <> 0"),
            postgresql_where=text("flags <> 0"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    opened_at: Mapped[dt.datetime | None]  # UTC, from the page's signed opening record
    submitted_at: Mapped[dt.datetime]  # UTC, when the answers arrived
    service_date: Mapped[dt.date] = mapped_column(Date)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    attribution: Mapped[str] = mapped_column(String(10), default=Attribution.NONE)
    service_type_id: Mapped[int | None] = mapped_column(ForeignKey("service_type.id"))
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id"))
    u1: Mapped[int | None] = mapped_column(SmallInteger)
    u2: Mapped[int | None] = mapped_column(SmallInteger)
    u3: Mapped[int | None] = mapped_column(SmallInteger)
    u4: Mapped[int | None] = mapped_column(SmallInteger)
    u5: Mapped[int | None] = mapped_column(SmallInteger)
    u6: Mapped[int | None] = mapped_column(SmallInteger)
    u7: Mapped[int | None] = mapped_column(SmallInteger)
    u8: Mapped[int | None] = mapped_column(SmallInteger)
    u9: Mapped[int | None] = mapped_column(SmallInteger)
    sex: Mapped[str | None] = mapped_column(String(1))
    age: Mapped[int | None] = mapped_column(SmallInteger)
    education: Mapped[str | None] = mapped_column(String(3))
    occupation: Mapped[str | None] = mapped_column(String(12))
    comment: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5), default="id")
    # HMAC of the client address under a server key: lets us spot one device stuffing
    # a counter without ever storing the address itself (UU 27/2022).
    client_hash: Mapped[str | None] = mapped_column(String(64))
    # Keyed hash of the device id the survey page gave this browser (``perangkat``):
    # what the integrity rules recognise a phone by, since hundreds share an address.
    device_hash: Mapped[str | None] = mapped_column(String(64))
    # The integrity rules this response tripped (``surveys.integrity.Flag``), whether it
    # is left out of every score (``Rules.counted``), and a reviewer's decision on it.
    flags: Mapped[int] = mapped_column(Integer, default=0)
    # A server default too, as the migration has it: bulk loads that name no flags count.
    excluded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    review: Mapped[str | None] = mapped_column(String(10))
    reviewed_at: Mapped[dt.datetime | None]
    # The reviewer's user id; no foreign key, so the column could be added in place on
    # SQLite. Users are deactivated, never deleted, and the audit log names them too.
    reviewed_by: Mapped[int | None] = mapped_column(Integer)

    unit = relationship("Unit")
    counter = relationship("Counter")
    employee = relationship("Employee")
    service_type = relationship("ServiceType")
    instrument = relationship("Instrument")

    @property
    def answers(self) -> dict[str, int | None]:
        return {code: getattr(self, code.lower()) for code in UNSUR_CODES}

    @property
    def receipt(self) -> str:
        return receipt_code(self.id)


def receipt_code(response_id: uuid.UUID) -> str:
    """Return the short code a citizen can quote: the first 8 hex digits, grouped."""
    digits = response_id.hex[:8].upper()
    return f"{digits[:4]}-{digits[4:]}"


# How a bucket key names each dimension's value: ``c3`` is counter 3, ``e-`` no employee.
BUCKET_KEY_PREFIXES = {
    "counter_id": "c",
    "employee_id": "e",
    "service_type_id": "s",
}


def _rollup_table(name: str, period_column: str, dimensions: tuple[str, ...]) -> Table:
    """Return a rollup table whose rows hold the statistics of one bucket.

    The key (``2026-07|u12|c3|e45``) names period x unit x the table's dimensions. A
    string key keeps the upsert portable: NULLs never collide in a unique index, so the
    nullable columns alone could not identify the bucket.
    """
    referenced = {
        "counter_id": "counter.id",
        "employee_id": "employee.id",
        "service_type_id": "service_type.id",
    }
    return Table(
        name,
        Base.metadata,
        Column("id", Integer, primary_key=True),
        Column("bucket_key", String(80), nullable=False, unique=True),
        Column(period_column, Date, nullable=False),
        Column("unit_id", ForeignKey("unit.id"), nullable=False),
        *(Column(d, ForeignKey(referenced[d])) for d in dimensions),
        Column("respondents", Integer, nullable=False, default=0),
        Column("mean_sum", BigInteger, nullable=False, default=0),
        Column("mean_sq_sum", BigInteger, nullable=False, default=0),
        *(Column(key, Integer, nullable=False, default=0) for key in COUNT_KEYS),
        Index(f"ix_{name}_unit_{period_column}", "unit_id", period_column),
        *(
            Index(f"ix_{name}_{d.removesuffix('_id')}_{period_column}", d, period_column)
            for d in dimensions
        ),
    )


# Who served where: every response is in these, so they also answer unit scopes.
STAFF = ("counter_id", "employee_id")
# What for: kept apart, since no report crosses employee with service type and the
# product of the two would multiply the rows a report has to sum.
SERVICE = ("service_type_id",)


class Rollup(Base):
    """Monthly buckets by counter and employee: every standard period."""

    __table__ = _rollup_table("rollup", "month", STAFF)


class DailyRollup(Base):
    """Daily buckets by counter and employee: a range's ragged edges, weekly trends."""

    __table__ = _rollup_table("rollup_day", "day", STAFF)


class ServiceRollup(Base):
    """Monthly buckets by service type."""

    __table__ = _rollup_table("rollup_service", "month", SERVICE)


class DailyServiceRollup(Base):
    """Daily buckets by service type."""

    __table__ = _rollup_table("rollup_service_day", "day", SERVICE)


class ProfileRollup(Base):
    """Monthly respondents per unit, counted by sex, age band, education and occupation.

    The dashboard, the report and the public page describe who answered; counting that
    from raw responses would read every response of a Pemda's year. One row per unit and
    month, one count column per category (``surveys.respondents.PROFILE_COLUMNS``), so a
    year of a whole Pemda is a few hundred rows. A response with every item blank is no
    respondent, here as in the statistics buckets.
    """

    __table__ = Table(
        "rollup_profile",
        Base.metadata,
        Column("id", Integer, primary_key=True),
        Column("bucket_key", String(80), nullable=False, unique=True),
        Column("month", Date, nullable=False),
        Column("unit_id", ForeignKey("unit.id"), nullable=False),
        Column("respondents", Integer, nullable=False, default=0),
        *(Column(name, Integer, nullable=False, default=0) for name, _, _ in PROFILE_COLUMNS),
        Index("ix_rollup_profile_unit_month", "unit_id", "month"),
    )
