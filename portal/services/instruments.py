"""Stored instrument versions, copied from the packaged definitions in ``surveys``.

A response points at the stored row it answered, so rewording a later version never
changes what an old response meant. Rows are written only by ``install`` (migration
0004 for the default questionnaire, ``flask instruments install`` for others, the
demo data); resolving a survey link only reads them, so opening a survey never writes.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Instrument
from surveys import instruments as catalogue
from surveys.errors import SurveyError

# (code, version) identifies immutable content, so parsed definitions can be kept.
_parsed: dict[tuple[str, int], catalogue.Instrument] = {}


class InstrumentMissing(SurveyError):
    """The questionnaire a survey needs is not in the database: run the migrations."""

    http_status = 503


def install(session: Session, code: str = catalogue.DEFAULT_CODE) -> Instrument:
    """Return the stored row of the packaged instrument ``code``, adding it if missing."""
    raw = catalogue.load_raw(code)
    catalogue.from_dict(raw)  # refuse a definition the portal could not score
    row = session.scalar(
        select(Instrument).filter_by(code=raw["code"], version=int(raw["version"]))
    )
    if row is None:
        row = Instrument(code=raw["code"], version=int(raw["version"]), definition=raw)
        session.add(row)
        session.flush()
    return row


def default(session: Session) -> Instrument:
    """Return the stored default questionnaire, for units that name none above them."""
    raw = catalogue.load_raw(catalogue.DEFAULT_CODE)
    row = session.scalar(
        select(Instrument).filter_by(code=raw["code"], version=int(raw["version"]))
    )
    if row is None:
        raise InstrumentMissing(
            f"Instrument {raw['code']} v{raw['version']} is not installed; run `flask db upgrade`."
        )
    return row


def definition_of(row: Instrument) -> catalogue.Instrument:
    """Return the domain instrument that a stored row holds."""
    key = (row.code, row.version)
    if key not in _parsed:
        _parsed[key] = catalogue.from_dict(row.definition)
    return _parsed[key]
