"""Importing an employee list from CSV or XLSX: a dry run first, then one transaction.

The file is read here (encoding, delimiter, workbook), its rows are checked by the pure
rules of ``surveys.employee_rows``, and the good rows are compared with the employees
already stored, by NIP: new ones are created, changed ones updated (name, position,
unit, kind; a deactivated employee listed again is brought back), unchanged ones left
alone, so importing the same file twice changes nothing the second time. A dry run
writes nothing. Applying writes every good row, and an audit event for each created or
changed employee plus one for the import, in the caller's transaction.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from portal.models import AuditEvent, Employee, Unit, utcnow
from portal.services import audit
from surveys import employee_rows
from surveys.employee_rows import Problem, Row

MAX_ROWS = 50_000
FIELDS = ("nip", "name", "position", "unit_id", "kind", "active")
DELIMITERS = ",;\t"


@dataclass
class Plan:
    """What importing a file would do; ``problems`` hold every refused line."""

    file_name: str
    digest: str
    problems: list[Problem] = field(default_factory=list)
    new: list[Row] = field(default_factory=list)
    changed: list[tuple[Row, dict]] = field(default_factory=list)  # with the stored state
    unchanged: int = 0

    @property
    def good(self) -> int:
        return len(self.new) + len(self.changed) + self.unchanged


class FileProblem(ValueError):
    """The file as a whole cannot be read: its reason code says why."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason, self.detail = reason, detail


def _records_xlsx(data: bytes) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FileProblem("unreadable", type(error).__name__) from None
    sheet = book.worksheets[0]
    for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield (
            line,
            [v if isinstance(v, (int, float)) else ("" if v is None else str(v)) for v in values],
        )


def _records_csv(data: bytes) -> Iterator[tuple[int, list]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem("encoding") from None
    if "\x00" in text:
        raise FileProblem("encoding")
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in DELIMITERS}
    delimiter = max(counts, key=counts.get)
    if counts[delimiter] == 0:
        raise FileProblem("delimiter", first[:80])
    yield from enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)


def records(data: bytes) -> Iterator[tuple[int, list]]:
    """Yield (line number, cells) of a CSV or XLSX file, the header first."""
    if not data.strip():
        raise FileProblem("empty")
    if data[:4] == b"PK\x03\x04":
        return _records_xlsx(data)
    return _records_csv(data)


def plan(session: Session, data: bytes, file_name: str = "") -> Plan:
    """Read and check a file, and compare it with the stored employees. Writes nothing."""
    result = Plan(file_name=file_name[:200], digest=hashlib.sha256(data).hexdigest())
    rows = records(data)
    try:
        _, header = next(rows)
    except StopIteration:
        raise FileProblem("empty") from None
    except csv.Error as error:
        raise FileProblem("unreadable", str(error)) from None
    try:
        columns = employee_rows.map_header(header)
    except employee_rows.MissingColumns as missing:
        raise FileProblem("missing_column", ", ".join(missing.missing)) from None
    units = employee_rows.unit_index(session.execute(select(Unit.id, Unit.name)).all())
    try:
        checked = employee_rows.check(_limited(rows), columns, units)
    except csv.Error as error:
        raise FileProblem("unreadable", str(error)) from None
    result.problems = checked.problems
    stored = {
        e.nip: e
        for e in session.execute(
            select(
                Employee.nip,
                Employee.name,
                Employee.position,
                Employee.unit_id,
                Employee.kind,
                Employee.active,
                Employee.id,
            )
        )
    }
    for row in checked.rows:
        before = stored.get(row.nip)
        if before is None:
            result.new.append(row)
        elif (before.name, before.position, before.unit_id, before.kind, before.active) != (
            row.name,
            row.position,
            row.unit_id,
            row.kind,
            True,
        ):
            result.changed.append((row, dict(before._mapping)))
        else:
            result.unchanged += 1
    return result


def _limited(rows):
    for count, record in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise FileProblem("too_many_rows", str(MAX_ROWS))
        yield record


def apply(
    session: Session, found: Plan, *, by: str, progress: Callable[[int], None] | None = None
) -> None:
    """Write a plan's good rows: inserts and updates in bulk, each audited."""
    now = utcnow()
    events = []
    chunk = 1000
    for start in range(0, len(found.new), chunk):
        batch = found.new[start : start + chunk]
        session.execute(
            insert(Employee),
            [
                {
                    "nip": r.nip,
                    "name": r.name,
                    "position": r.position,
                    "unit_id": r.unit_id,
                    "kind": r.kind,
                    "active": True,
                    "card_version": 1,
                }
                for r in batch
            ],
        )
        if progress:
            progress(len(batch))
    ids: dict[str, int] = {}
    new_nips = [r.nip for r in found.new]
    for start in range(0, len(new_nips), chunk):
        wanted = new_nips[start : start + chunk]
        query = select(Employee.nip, Employee.id).where(Employee.nip.in_(wanted))
        ids.update(session.execute(query).all())
    for r in found.new:
        events.append(_event(now, by, "employee.create", ids.get(r.nip), r.name, None, _state(r)))
    for r, before in found.changed:
        session.execute(
            update(Employee)
            .where(Employee.id == before["id"])
            .values(name=r.name, position=r.position, unit_id=r.unit_id, kind=r.kind, active=True)
        )
        action = "employee.move" if before["unit_id"] != r.unit_id else "employee.update"
        old = {k: before[k] for k in FIELDS}
        events.append(_event(now, by, action, before["id"], r.name, old, _state(r)))
        if progress:
            progress(1)
    for start in range(0, len(events), chunk):
        session.execute(insert(AuditEvent), events[start : start + chunk])
    audit.record(
        session,
        actor=by,
        action="employee.import",
        target_type="file",
        target_id=None,
        label=found.file_name,
        after={
            "sha256": found.digest,
            "created": len(found.new),
            "updated": len(found.changed),
            "unchanged": found.unchanged,
            "refused_lines": [p.line for p in found.problems][:1000],
        },
    )
    session.flush()


def _state(row: Row) -> dict:
    return {
        "nip": row.nip,
        "name": row.name,
        "position": row.position,
        "unit_id": row.unit_id,
        "kind": row.kind,
        "active": True,
    }


def _event(now, by, action, target_id, label, before, after) -> dict:
    return {
        "at": now,
        "actor": by[:80],
        "action": action,
        "target_type": "employee",
        "target_id": target_id,
        "target_label": label[:200],
        "before": audit.dump(before),
        "after": audit.dump(after),
    }
