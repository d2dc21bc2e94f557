"""The evidence export (bukti dukung): every employee's score object as one flat row.

For appraisal systems without an API, and to attach to an appraisal: the same objects
the API serves (``portal.services.score_reads``), flattened into the same columns for
CSV and XLSX, so a number in the file is the number the API gives.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook

from surveys.instruments import UNSUR_CODES

FORMATS = ("csv", "xlsx")
COLUMNS = (
    "nip",
    "name",
    "unit_id",
    "unit",
    "period",
    "period_start",
    "period_end",
    "period_status",
    "snapshot_id",
    "respondents",
    "valid",
    "reason",
    "minimum_respondents",
    "ikm",
    "score",
    "grade",
    "label",
    "ci95_low",
    "ci95_high",
    "personal_index",
    "personal_index_respondents",
    "personal_index_valid",
    *(f"{code}_nrr" for code in UNSUR_CODES),
    *(f"{code}_respondents" for code in UNSUR_CODES),
    "suggested_expectation",
    "threshold_above",
    "threshold_meets",
    "excluded_responses",
    "method",
)


def row(obj: dict) -> dict:
    """Return an employee score object as one flat row keyed by ``COLUMNS``."""
    interval = obj["ci95"] or {}
    unsur = {u["code"]: u for u in obj["unsur"]}
    flat = {
        "nip": obj["nip"],
        "name": obj["name"],
        "unit_id": obj["unit"]["id"],
        "unit": obj["unit"]["name"],
        "period": obj["period"]["id"],
        "period_start": obj["period"]["start"],
        "period_end": obj["period"]["end"],
        "period_status": obj["period"]["status"],
        "snapshot_id": obj["snapshot_id"],
        "respondents": obj["respondents"],
        "valid": obj["valid"],
        "reason": obj["reason"],
        "minimum_respondents": obj["minimum_respondents"],
        "ikm": obj["ikm"],
        "score": obj["score"],
        "grade": obj["grade"],
        "label": obj["label"],
        "ci95_low": interval.get("low"),
        "ci95_high": interval.get("high"),
        "personal_index": obj["personal_index"]["value"],
        "personal_index_respondents": obj["personal_index"]["respondents"],
        "personal_index_valid": obj["personal_index"]["valid"],
        "suggested_expectation": obj["suggested_expectation"],
        "threshold_above": obj["expectation_thresholds"]["above"],
        "threshold_meets": obj["expectation_thresholds"]["meets"],
        "excluded_responses": obj["excluded_responses"]["count"],
        "method": obj["method"],
    }
    for code in UNSUR_CODES:
        found = unsur.get(code) or {}
        flat[f"{code}_nrr"] = found.get("nrr")
        flat[f"{code}_respondents"] = found.get("respondents", 0)
    return flat


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def to_csv(objects: Iterable[dict]) -> bytes:
    """Return the rows as UTF-8 CSV with a BOM, so spreadsheet programs read the names."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for obj in objects:
        flat = row(obj)
        writer.writerow([_cell(flat[c]) for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(objects: Iterable[dict], title: str) -> bytes:
    """Return the rows as an XLSX workbook with one sheet named after the period."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "SKM")
    sheet.append(list(COLUMNS))
    for obj in objects:
        flat = row(obj)
        sheet.append(
            [_cell(flat[c]) if not isinstance(flat[c], bool) else flat[c] for c in COLUMNS]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(objects: Iterable[dict], fmt: str, title: str) -> bytes:
    if fmt == "csv":
        return to_csv(objects)
    if fmt == "xlsx":
        return to_xlsx(objects, title)
    raise ValueError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")


def filename(period_code: str, fmt: str, snapshot_id: int | None) -> str:
    """Return the file name: the period and, when frozen, the snapshot it came from."""
    frozen = f"-snapshot-{snapshot_id}" if snapshot_id is not None else "-open"
    return f"skm-appraisal-{period_code}{frozen}.{fmt}"
