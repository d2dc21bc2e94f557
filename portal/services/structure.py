"""Changing the organisation: units, their counters (loket) and service types.

Administrators build the tree (Pemda → OPD/dinas → unit layanan) and everything a
citizen's survey link points at. Nothing is ever deleted: a unit, counter or service
type is deactivated, so the responses counted under it stay where they were counted.
Every change is written to the audit log with its before and after. Services flush;
the request or the command commits.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from portal.models import AuditEvent, Counter, ServiceType, Unit, UnitKind
from portal.services import audit, org
from surveys import calendar, errors, hours

UNIT_FIELDS = ("name", "kind", "parent_id", "timezone", "service_hours", "complaint_url", "active")
COUNTER_FIELDS = ("name", "unit_id", "active")
SERVICE_FIELDS = ("name", "unit_id", "active")
KINDS = (UnitKind.PEMDA, UnitKind.OPD, UnitKind.SERVICE_UNIT)
PER_PAGE = 50


class Invalid(errors.SurveyError):
    """A change refused as given; ``field`` names what to correct."""

    http_status = 422

    def __init__(self, field: str, message: str = ""):
        super().__init__(message or field)
        self.field = field


def _name(text: str, limit: int) -> str:
    name = " ".join((text or "").split())
    if not name or len(name) > limit:
        raise Invalid("name")
    return name


def _record(session, by, action, target_type, found, fields, before=None, *, after=True):
    audit.record(
        session,
        actor=by,
        action=action,
        target_type=target_type,
        target_id=found.id,
        label=found.name,
        before=before,
        after=audit.state(found, fields) if after else None,
    )


# Units ------------------------------------------------------------------------------


def create_unit(
    session: Session,
    *,
    name: str,
    by: str,
    kind: str = UnitKind.SERVICE_UNIT,
    parent_id: int | None = None,
    timezone: str = "Asia/Jakarta",
    service_hours: str | None = None,
    complaint_url: str | None = None,
) -> Unit:
    """Create a unit; the first, without a parent, is the Pemda itself."""
    found = Unit(active=True)
    _apply_unit(session, found, name, kind, parent_id, timezone, service_hours, complaint_url)
    session.add(found)
    session.flush()
    _record(session, by, "unit.create", "unit", found, UNIT_FIELDS)
    return found


def update_unit(
    session: Session,
    unit_id: int,
    *,
    by: str,
    name: str,
    kind: str,
    parent_id: int | None,
    timezone: str,
    service_hours: str | None,
    complaint_url: str | None,
) -> Unit:
    """Rename, move or reconfigure a unit. Its responses stay counted where they were."""
    found = org.unit(session, unit_id)
    before = audit.state(found, UNIT_FIELDS)
    if parent_id is not None and parent_id in org.subtree_ids(session, found.id):
        raise Invalid("parent", "A unit cannot move under itself or a unit below it.")
    _apply_unit(session, found, name, kind, parent_id, timezone, service_hours, complaint_url)
    session.flush()
    if audit.state(found, UNIT_FIELDS) != before:
        action = "unit.move" if before["parent_id"] != found.parent_id else "unit.update"
        _record(session, by, action, "unit", found, UNIT_FIELDS, before)
    return found


def _apply_unit(session, found, name, kind, parent_id, timezone, service_hours, complaint_url):
    found.name = _name(name, 200)
    if kind not in KINDS:
        raise Invalid("kind")
    if timezone not in calendar.ZONES:
        raise Invalid("timezone")
    if parent_id is not None:
        org.unit(session, parent_id)
    text = (service_hours or "").strip()
    if text:
        try:
            text = hours.format(hours.parse(text))
        except hours.InvalidHours as error:
            raise Invalid("service_hours", str(error)) from None
    url = (complaint_url or "").strip()
    if url and (len(url) > 300 or not url.startswith(("https://", "http://", "mailto:", "tel:"))):
        raise Invalid("complaint_url")
    found.kind, found.parent_id, found.timezone = kind, parent_id, timezone
    found.service_hours, found.complaint_url = text or None, url or None


def set_unit_active(session: Session, unit_id: int, active: bool, *, by: str) -> Unit:
    """Deactivate a unit (its survey links and those below it stop) or bring it back."""
    found = org.unit(session, unit_id)
    audit.set_active(session, found, active, by=by, target_type="unit")
    return found


def units_page(session: Session, text: str = "", page: int = 1) -> tuple[list[Unit], bool]:
    """Return one page of units by name, matching ``text`` if given, and whether more follow."""
    query = select(Unit).options(selectinload(Unit.parent)).order_by(Unit.name, Unit.id)
    if text:
        query = query.where(func.lower(Unit.name).contains(text.lower(), autoescape=True))
    page = max(1, min(page, 100_000))
    rows = list(session.scalars(query.offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)))
    return rows[:PER_PAGE], len(rows) > PER_PAGE


def counters_of(session: Session, unit_id: int) -> list[Counter]:
    return list(
        session.scalars(
            select(Counter).where(Counter.unit_id == unit_id).order_by(Counter.name, Counter.id)
        )
    )


def service_types_of(session: Session, unit_id: int) -> list[ServiceType]:
    return list(
        session.scalars(
            select(ServiceType)
            .where(ServiceType.unit_id == unit_id)
            .order_by(ServiceType.name, ServiceType.id)
        )
    )


# Counters ---------------------------------------------------------------------------


def active_counters_within(session: Session, unit_id: int) -> list[Counter]:
    """The active counters of a unit and of every active unit below it, by unit and name."""
    units = org.subtree_ids(session, unit_id)
    return list(
        session.scalars(
            select(Counter)
            .join(Counter.unit)
            .options(selectinload(Counter.unit))
            .where(Counter.unit_id.in_(units), Counter.active, Unit.active)
            .order_by(Unit.name, Counter.name, Counter.id)
        )
    )


def create_counter(session: Session, unit_id: int, name: str, *, by: str) -> Counter:
    org.unit(session, unit_id)
    found = Counter(unit_id=unit_id, name=_name(name, 120), token_version=1, active=True)
    session.add(found)
    session.flush()
    _record(session, by, "counter.create", "counter", found, COUNTER_FIELDS)
    return found


def rename_counter(session: Session, counter_id: int, name: str, *, by: str) -> Counter:
    found = org.counter(session, counter_id)
    before = audit.state(found, COUNTER_FIELDS)
    found.name = _name(name, 120)
    session.flush()
    if found.name != before["name"]:
        _record(session, by, "counter.rename", "counter", found, COUNTER_FIELDS, before)
    return found


def set_counter_active(session: Session, counter_id: int, active: bool, *, by: str) -> Counter:
    """Deactivate a counter (its QR codes stop) or bring it back (they work again)."""
    found = org.counter(session, counter_id)
    audit.set_active(session, found, active, by=by, target_type="counter")
    return found


PRINT_ACTIONS = ("counter.print_poster", "counter.download_qr")


def record_print(session: Session, counter: Counter, action: str, *, by: str) -> None:
    """Record that someone took this counter's QR code away to print it: rotating the
    link later tells how many printed copies stop working."""
    audit.record(
        session,
        actor=by,
        action=action,
        target_type="counter",
        target_id=counter.id,
        label=counter.name,
        after={"token_version": counter.token_version},
    )


def posters_since_rotation(session: Session, counter: Counter) -> int:
    """How many times this counter's current QR code was downloaded (the audit log)."""
    last_rotation = session.scalar(
        select(func.max(AuditEvent.id)).where(
            AuditEvent.target_type == "counter",
            AuditEvent.target_id == counter.id,
            AuditEvent.action == "counter.rotate_link",
        )
    )
    printed = select(func.count()).where(
        AuditEvent.target_type == "counter",
        AuditEvent.target_id == counter.id,
        AuditEvent.action.in_(PRINT_ACTIONS),
        AuditEvent.id > (last_rotation or 0),
    )
    return session.scalar(printed) or 0


# Service types ----------------------------------------------------------------------


def create_service_type(session: Session, unit_id: int, name: str, *, by: str) -> ServiceType:
    org.unit(session, unit_id)
    found = ServiceType(unit_id=unit_id, name=_name(name, 160), active=True)
    session.add(found)
    session.flush()
    _record(session, by, "service_type.create", "service_type", found, SERVICE_FIELDS)
    return found


def set_service_type_active(
    session: Session, service_type_id: int, active: bool, *, by: str
) -> ServiceType:
    found = session.get(ServiceType, service_type_id) if 0 < service_type_id <= 2**31 - 1 else None
    if found is None:
        raise org.NotFound(service_type_id)
    audit.set_active(session, found, active, by=by, target_type="service_type")
    return found
