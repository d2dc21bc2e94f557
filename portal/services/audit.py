"""Who changed what, and when: the audit log every administrative service writes to.

Each service that changes the organisation, a user, a roster, a QR link, an API client
or a period calls ``record`` in the same transaction as the change, so the change and
its record are committed together or not at all. ``before`` and ``after`` hold only
the fields that matter, as canonical JSON. The log is append-only (database triggers,
``portal.models.audit``); nothing here updates or deletes a row.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import AuditEvent, utcnow
from portal.services import spreadsheets

PER_PAGE = 50


def cli_actor() -> str:
    """The actor of a change made with a ``flask`` command: the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"[:80]
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "cli"


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


def state(record, fields: Iterable[str]) -> dict:
    """Return the named fields of a record, for ``before`` or ``after``."""
    return {name: _jsonable(getattr(record, name)) for name in fields}


def dump(values: dict | None) -> str | None:
    """Return canonical JSON of a before or after state (None stays None)."""
    if values is None:
        return None
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    target_type: str,
    target_id: int | None,
    label: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one event. ``before`` None: something was created; ``after`` None: removed."""
    event = AuditEvent(
        at=utcnow(),
        actor=actor[:80],
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=label[:200],
        before=dump(before),
        after=dump(after),
    )
    session.add(event)
    session.flush()
    return event


def set_active(session: Session, found, active: bool, *, by: str, target_type: str) -> bool:
    """Deactivate a unit, counter, service type, employee or user (or bring it back) and
    record it as ``<type>.deactivate`` / ``<type>.activate``. Returns False, recording
    nothing, when it already is so. Nothing is deleted: history stays where it counted."""
    if found.active == active:
        return False
    before = state(found, ("active",))
    found.active = active
    session.flush()
    record(
        session,
        actor=by,
        action=f"{target_type}.{'activate' if active else 'deactivate'}",
        target_type=target_type,
        target_id=found.id,
        label=getattr(found, "name", None) or getattr(found, "username", ""),
        before=before,
        after=state(found, ("active",)),
    )
    return True


@dataclass(frozen=True)
class Filters:
    actor: str = ""
    action: str = ""
    target_type: str = ""
    start: dt.date | None = None  # UTC dates, inclusive
    end: dt.date | None = None


@dataclass(frozen=True)
class Page:
    events: list[AuditEvent]
    number: int
    has_next: bool


def _where(filters: Filters) -> list:
    where = []
    if filters.actor:
        where.append(func.lower(AuditEvent.actor) == filters.actor.lower())
    if filters.action:
        where.append(AuditEvent.action == filters.action)
    if filters.target_type:
        where.append(AuditEvent.target_type == filters.target_type)
    if filters.start:
        where.append(AuditEvent.at >= dt.datetime.combine(filters.start, dt.time()))
    if filters.end:
        where.append(AuditEvent.at < dt.datetime.combine(filters.end, dt.time()) + dt.timedelta(1))
    return where


def search(session: Session, filters: Filters = Filters(), *, page: int = 1) -> Page:
    """Return one page of events, newest first."""
    page = max(1, min(page, 100_000))
    rows = list(
        session.scalars(
            select(AuditEvent)
            .where(*_where(filters))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .offset((page - 1) * PER_PAGE)
            .limit(PER_PAGE + 1)
        )
    )
    return Page(rows[:PER_PAGE], page, len(rows) > PER_PAGE)


def actions(session: Session) -> list[str]:
    """Return every action recorded so far, for the filter's choices."""
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


HEADER = (
    "id",
    "at_utc",
    "actor",
    "action",
    "target_type",
    "target_id",
    "target",
    "before",
    "after",
)


def export(session: Session, filters: Filters = Filters()) -> spreadsheets.Sheet:
    """Return every matching event, oldest first, as one sheet for CSV or XLSX."""
    query = select(AuditEvent).where(*_where(filters)).order_by(AuditEvent.id)

    def rows() -> Iterator[list]:
        for event in session.scalars(query.execution_options(yield_per=1000)):
            yield [
                event.id,
                event.at.isoformat(timespec="seconds"),
                event.actor,
                event.action,
                event.target_type,
                event.target_id,
                event.target_label,
                event.before,
                event.after,
            ]

    return spreadsheets.Sheet("audit", HEADER, rows())
