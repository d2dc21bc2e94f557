"""What a unit does about its results: the follow-up plan (rencana tindak lanjut).

PermenPAN-RB 14/2017 asks each unit to act on its weakest unsur and to publish what it
will do. An action belongs to a unit and a period, names the unsur it answers, who does
it and by when, and moves from planned to in progress to done.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow


class ActionStatus:
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    ALL = (PLANNED, IN_PROGRESS, DONE)


class FollowUpAction(Base):
    __tablename__ = "follow_up_action"
    __table_args__ = (Index("ix_follow_up_action_unit_period", "unit_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    period: Mapped[str] = mapped_column(String(24))  # "2026-Q3"
    unsur: Mapped[str] = mapped_column(String(3))  # "U9"
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(160))  # who carries it out
    due: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=ActionStatus.PLANNED)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    unit = relationship("Unit")
