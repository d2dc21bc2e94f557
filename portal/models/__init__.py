"""SQLAlchemy models, split by topic; import from here."""

from portal.models.access import LoginEvent, LoginOutcome, Role, User
from portal.models.appraisal import ApiCall, ApiClient, PeriodSnapshot, SnapshotEntry
from portal.models.audit import AuditEvent
from portal.models.base import Base, utcnow
from portal.models.directory import DirectoryStamp
from portal.models.feedback import (
    Attribution,
    DailyRollup,
    DailyServiceRollup,
    Instrument,
    ProfileRollup,
    Response,
    Rollup,
    ServiceRollup,
    receipt_code,
)
from portal.models.followup import ActionStatus, FollowUpAction
from portal.models.integrity import StaffDevice
from portal.models.org import (
    Absence,
    Counter,
    DutyShift,
    Employee,
    RosterPattern,
    ServiceType,
    Unit,
    UnitKind,
)
from portal.models.population import ServedPopulation

__all__ = [
    "Absence",
    "RosterPattern",
    "ActionStatus",
    "FollowUpAction",
    "ApiCall",
    "AuditEvent",
    "ApiClient",
    "PeriodSnapshot",
    "SnapshotEntry",
    "Attribution",
    "Base",
    "Counter",
    "DailyRollup",
    "DailyServiceRollup",
    "DirectoryStamp",
    "DutyShift",
    "Employee",
    "Instrument",
    "LoginEvent",
    "LoginOutcome",
    "ProfileRollup",
    "Response",
    "Role",
    "Rollup",
    "ServiceRollup",
    "ServedPopulation",
    "ServiceType",
    "StaffDevice",
    "Unit",
    "UnitKind",
    "User",
    "receipt_code",
    "utcnow",
]
