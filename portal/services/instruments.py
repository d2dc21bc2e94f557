"""Stored instrument versions, copied from the packaged definitions in ``surveys``.

A response points at the stored row it answered, so rewording a later version never
changes what an old response meant.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Instrument
from surveys import instruments as catalogue

# (code, version) identifies immutable content, so parsed definitions can be kept.
_parsed: dict[tuple[str, int], catalogue.Instrument] = {}


def stored(session: Session, code: str = catalogue.DEFAULT_CODE) -> Instrument:
    """Return the stored row of the packaged instrument ``code``, adding it the first time."""
    raw = catalogue.load_raw(code)
    row = session.scalar(
        select(Instrument).filter_by(code=raw["code"], version=int(raw["version"]))
    )
    if row is None:
        row = Instrument(code=raw["code"], version=int(raw["version"]), definition=raw)
        session.add(row)
        session.flush()
    return row


def definition_of(row: Instrument) -> catalogue.Instrument:
    """Return the domain instrument that a stored row holds."""
    key = (row.code, row.version)
    if key not in _parsed:
        _parsed[key] = catalogue.from_dict(row.definition)
    return _parsed[key]
