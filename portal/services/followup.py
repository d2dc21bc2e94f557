"""The follow-up plan (rencana tindak lanjut): actions a unit records for a period.

Unit heads write the plan for their unit (and units below); leadership and
administrators read every plan; the public results page and the SKM report print it.
Services flush; the request commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import ActionStatus, FollowUpAction, Role, utcnow
from portal.services import audit, reports
from portal.services.viewer import Viewer
from surveys.errors import NotFound, SurveyError
from surveys.instruments import UNSUR_CODES
from surveys.periods import Period

ACTION_MAX, OWNER_MAX = 2000, 160


class InvalidAction(SurveyError):
    """An action that cannot be recorded as given (a field missing or out of range)."""

    http_status = 422


@dataclass(frozen=True)
class Draft:
    unsur: str
    action: str
    owner: str
    due: dt.date | None


def _check_writer(session: Session, viewer: Viewer, unit_id: int) -> None:
    if viewer.role not in (Role.ADMIN, Role.UNIT_HEAD):
        raise reports.ScopeNotFound("Only a unit head or an administrator writes a plan.")
    reports.unit_subtree(session, viewer, unit_id)


def plan(session: Session, viewer: Viewer, unit_id: int, period: Period) -> list[FollowUpAction]:
    """Return the unit's actions for the period, by due date."""
    reports.unit_subtree(session, viewer, unit_id)
    return list(
        session.scalars(
            select(FollowUpAction)
            .where(FollowUpAction.unit_id == unit_id, FollowUpAction.period == period.code)
            .order_by(FollowUpAction.due, FollowUpAction.id)
        )
    )


def add(
    session: Session, viewer: Viewer, unit_id: int, period: Period, draft: Draft, *, by: str
) -> FollowUpAction:
    """Record one action of the unit's plan for the period."""
    _check_writer(session, viewer, unit_id)
    action, owner = draft.action.strip(), draft.owner.strip()
    problems = []
    if draft.unsur not in UNSUR_CODES:
        problems.append("unsur")
    if not action or len(action) > ACTION_MAX:
        problems.append("action")
    if not owner or len(owner) > OWNER_MAX:
        problems.append("owner")
    if draft.due is None or not dt.date(2000, 1, 1) <= draft.due <= dt.date(2100, 12, 31):
        problems.append("due")
    if problems:
        raise InvalidAction("Missing or invalid: " + ", ".join(problems))
    found = FollowUpAction(
        unit_id=unit_id,
        period=period.code,
        unsur=draft.unsur,
        action=action,
        owner=owner,
        due=draft.due,
        status=ActionStatus.PLANNED,
        created_by=by,
    )
    session.add(found)
    session.flush()
    audit.record(
        session,
        actor=by,
        action="follow_up.add",
        target_type="unit",
        target_id=unit_id,
        label=f"{period.code} {draft.unsur}",
        after=audit.state(found, ("period", "unsur", "action", "owner", "due", "status")),
    )
    return found


def set_status(
    session: Session, viewer: Viewer, action_id: int, status: str, *, by: str = "system"
) -> FollowUpAction:
    """Move an action to planned, in progress or done."""
    found = session.get(FollowUpAction, action_id) if 0 < action_id <= 2**31 - 1 else None
    if found is None:
        raise NotFound(f"No action {action_id}.")
    _check_writer(session, viewer, found.unit_id)
    if status not in ActionStatus.ALL:
        raise InvalidAction(f"Unknown status {status!r}.")
    before = audit.state(found, ("status",))
    found.status = status
    found.updated_at = utcnow()
    session.flush()
    if before["status"] != status:
        audit.record(
            session,
            actor=by,
            action="follow_up.status",
            target_type="follow_up_action",
            target_id=found.id,
            label=f"{found.period} {found.unsur}",
            before=before,
            after=audit.state(found, ("status",)),
        )
    return found
