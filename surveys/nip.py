"""NIP (Nomor Induk Pegawai) validation for PNS and PPPK numbers.

A NIP is 18 digits: birth date ``YYYYMMDD``, first appointment ``YYYYMM`` (PNS only;
for PPPK digits 13-14 are a code, not a month), sex ``1``/``2`` and a serial ``NNN``.
It reveals birth date and sex, so it is personal data: validate it, never display
more of it than the reader is entitled to.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from surveys.errors import InvalidNIP

_SEPARATORS = re.compile(r"[\s.\-]")


class Kind(StrEnum):
    PNS = "pns"
    PPPK = "pppk"


@dataclass(frozen=True)
class NIP:
    value: str
    birth_date: dt.date
    sex: str  # "L" or "P"

    def __str__(self) -> str:
        return self.value

    @property
    def formatted(self) -> str:
        """Return the NIP grouped the way it is printed: ``19660801 198803 1 001``."""
        v = self.value
        return f"{v[:8]} {v[8:14]} {v[14]} {v[15:]}"


def normalize(raw: str) -> str:
    """Strip the spaces, dots and dashes people type between the groups."""
    return _SEPARATORS.sub("", raw or "")


def parse(raw: str, kind: Kind = Kind.PNS, *, today: dt.date | None = None) -> NIP:
    """Return the validated NIP or raise ``InvalidNIP`` saying what is wrong."""
    value = normalize(raw)
    if len(value) != 18 or not value.isascii() or not value.isdigit():
        raise InvalidNIP("NIP must be exactly 18 digits.")
    today = today or dt.date.today()
    try:
        birth = dt.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise InvalidNIP("The first 8 digits of a NIP must be a valid birth date.") from None
    age = (today - birth).days // 365
    if not 15 <= age <= 80:
        raise InvalidNIP("The birth date in this NIP is not plausible for an employee.")
    if kind is Kind.PNS:
        year, month = int(value[8:12]), int(value[12:14])
        if not 1 <= month <= 12:
            raise InvalidNIP("Digits 13-14 of a PNS NIP must be the appointment month.")
        if not birth.year + 15 <= year <= today.year:
            raise InvalidNIP("The appointment year in this NIP is not plausible.")
    if value[14] not in "12":
        raise InvalidNIP("Digit 15 of a NIP must be 1 (male) or 2 (female).")
    if value[15:] == "000":
        raise InvalidNIP("The serial number of a NIP cannot be 000.")
    return NIP(value=value, birth_date=birth, sex="L" if value[14] == "1" else "P")


def is_valid(raw: str, kind: Kind = Kind.PNS) -> bool:
    try:
        parse(raw, kind)
    except InvalidNIP:
        return False
    return True
