"""Tables as CSV and XLSX files: the one writer every export uses.

CSV is UTF-8 with a byte-order mark, so spreadsheet programs read Indonesian names
right; XLSX (openpyxl, write-only) keeps one sheet per table. A cell that could be read
as a formula is written as text, so a citizen's comment starting with "=" stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(sheets: Sequence[Sheet]) -> bytes:
    """Return the sheets as one CSV. Several sheets must share a header; a first column
    then names each row's table."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    several = len(sheets) > 1
    if several and any(list(s.header) != list(sheets[0].header) for s in sheets):
        raise ValueError("Sheets written to one CSV must share their header.")
    writer.writerow((["table"] if several else []) + list(sheets[0].header))
    for sheet in sheets:
        for row in sheet.rows:
            writer.writerow(([sheet.title] if several else []) + [_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    book = Workbook(write_only=True)
    for sheet in sheets:
        page = book.create_sheet(title=_sheet_title(sheet.title))
        page.append(list(sheet.header))
        for row in sheet.rows:
            page.append([v if isinstance(v, bool) else _text(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(sheets: Sequence[Sheet], fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(sheets)
    if fmt == "xlsx":
        return to_xlsx(sheets)
    raise ValueError(f"Unknown format {fmt!r}.")


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return cleaned[:31] or "Sheet"
