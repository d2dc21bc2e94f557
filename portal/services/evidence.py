"""The evidence export (bukti dukung): every employee's score object as one flat row.

For appraisal systems without an API, and to attach to an appraisal: the same objects
the API serves (``portal.services.score_reads``), flattened into the same columns for
CSV and XLSX, so a number in the file is the number the API gives.
"""

from __future__ import annotations

from collections.abc import Iterable

from portal.services import spreadsheets
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


def render(objects: Iterable[dict], fmt: str, title: str) -> bytes:
    """Return the objects as a CSV or XLSX file, one row per employee."""
    rows = ([row(obj)[c] for c in COLUMNS] for obj in objects)
    return spreadsheets.render([spreadsheets.Sheet(title, COLUMNS, rows)], fmt)


def filename(period_code: str, fmt: str, snapshot_id: int | None) -> str:
    """Return the file name: the period and, when frozen, the snapshot it came from."""
    frozen = f"-snapshot-{snapshot_id}" if snapshot_id is not None else "-open"
    return f"skm-appraisal-{period_code}{frozen}.{fmt}"
