"""Checking the rows of an employee list before any of it is imported.

A BKPSDM brings hundreds of counters and thousands of employees online from one
spreadsheet. Every bad row is reported by its line number and a reason, all at once, so
the file can be corrected in one pass; the good rows are returned ready to upsert by NIP.
Pure: the caller reads the file and says which unit names exist.

Reasons (codes the portal translates): ``missing_column``, ``bad_nip``,
``nip_as_number``, ``duplicate_nip``, ``unknown_unit``, ``ambiguous_unit``,
``missing_name``, ``too_long``, ``bad_kind``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from surveys import nip as nips
from surveys.errors import InvalidNIP

# Accepted header names per field, English and Indonesian, compared case-insensitively.
HEADERS = {
    "nip": ("nip", "nip pegawai", "nomor induk pegawai"),
    "name": ("name", "nama", "nama pegawai", "nama lengkap"),
    "position": ("position", "jabatan", "nama jabatan"),
    "unit": ("unit", "unit kerja", "nama unit", "unit layanan", "unit_id"),
    "kind": ("kind", "jenis", "jenis pegawai", "status kepegawaian"),
}
REQUIRED = ("nip", "name", "unit")
KINDS = {"": "pns", "pns": "pns", "pppk": "pppk", "p3k": "pppk"}
NAME_MAX, POSITION_MAX = 160, 160


@dataclass(frozen=True)
class Problem:
    line: int  # 1 = the header line
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class Row:
    line: int
    nip: str
    name: str
    position: str | None
    unit_id: int
    kind: str


@dataclass
class Checked:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class MissingColumns(ValueError):
    def __init__(self, missing: Sequence[str]):
        super().__init__(", ".join(missing))
        self.missing = tuple(missing)


def _fold(text: object) -> str:
    return " ".join(str(text or "").replace("_", " ").split()).lower()


def map_header(cells: Sequence[object]) -> dict[str, int]:
    """Return the column of each field the header names; MissingColumns if a required
    one is absent."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = _fold(cell).lstrip("\ufeff")
        for key, names in HEADERS.items():
            if key not in found and (name in names or name.replace(" ", "_") in names):
                found[key] = index
    missing = [key for key in REQUIRED if key not in found]
    if missing:
        raise MissingColumns(missing)
    return found


def check(
    records: Iterable[tuple[int, Sequence[object]]],
    columns: Mapping[str, int],
    units: Mapping[str, int | None],
) -> Checked:
    """Check every record (line number, cells) against the rules.

    ``units`` maps a unit's folded name, and its id as text, to its id; a name shared by
    several units maps to None (ambiguous: write the id instead).
    """
    result = Checked()
    first_line: dict[str, int] = {}

    def cell(cells, key):
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    for line, cells in records:
        if not any(str(c or "").strip() for c in cells):
            continue  # blank lines are allowed anywhere
        raw_nip = cell(cells, "nip")
        if isinstance(raw_nip, float) or (isinstance(raw_nip, int) and len(str(raw_nip)) != 18):
            result.problems.append(Problem(line, "nip_as_number", str(raw_nip)))
            continue
        kind = KINDS.get(_fold(cell(cells, "kind")))
        if kind is None:
            result.problems.append(Problem(line, "bad_kind", str(cell(cells, "kind"))))
            continue
        try:
            number = nips.parse(str(raw_nip or ""), nips.Kind(kind)).value
        except InvalidNIP:
            result.problems.append(Problem(line, "bad_nip", str(raw_nip or "")))
            continue
        if number in first_line:
            result.problems.append(
                Problem(line, "duplicate_nip", f"{number} (line {first_line[number]})")
            )
            continue
        name = " ".join(str(cell(cells, "name") or "").split())
        position = " ".join(str(cell(cells, "position") or "").split()) or None
        if not name:
            result.problems.append(Problem(line, "missing_name", number))
            continue
        if len(name) > NAME_MAX or len(position or "") > POSITION_MAX:
            result.problems.append(Problem(line, "too_long", number))
            continue
        unit_text = _fold(cell(cells, "unit"))
        if unit_text.endswith(".0") and unit_text[:-2].isdigit():
            unit_text = unit_text[:-2]  # a unit id typed as a number in a spreadsheet
        if unit_text not in units:
            result.problems.append(Problem(line, "unknown_unit", str(cell(cells, "unit") or "")))
            continue
        unit_id = units[unit_text]
        if unit_id is None:
            result.problems.append(Problem(line, "ambiguous_unit", str(cell(cells, "unit"))))
            continue
        first_line[number] = line
        result.rows.append(Row(line, number, name, position, unit_id, kind))
    return result


def unit_index(units: Iterable[tuple[int, str]]) -> dict[str, int | None]:
    """Return the ``units`` mapping ``check`` takes, from (id, name) pairs."""
    index: dict[str, int | None] = {}
    for unit_id, name in units:
        key = _fold(name)
        index[key] = None if key in index and index[key] != unit_id else unit_id
        index[str(unit_id)] = unit_id
    return index
