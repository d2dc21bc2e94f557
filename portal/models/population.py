"""How many citizens a unit served in a period: the N of the SKM sample.

The regulation judges whether a survey reached enough respondents against the number
of citizens served (Krejcie & Morgan, ``surveys.scoring.required_sample``). The portal
cannot count visitors who did not answer, so the unit head enters it, from the unit's
own register, once per unit and period; entering it again replaces it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class ServedPopulation(Base):
    __tablename__ = "served_population"
    __table_args__ = (UniqueConstraint("unit_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    period: Mapped[str] = mapped_column(String(24))  # a period code: "2026-Q3"
    population: Mapped[int]
    entered_by: Mapped[str] = mapped_column(String(80))
    entered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
