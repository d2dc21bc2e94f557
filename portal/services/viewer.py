"""Who is asking: the viewer every reading service takes, and what it may see.

Scoping lives here and in the services that call it, not in templates or views: a unit
head reads their unit and everything below it, an employee only their own scores, an
administrator and the system (CLI commands, frozen periods) everything. A scope the
viewer may not see is reported exactly like one that does not exist (404), so editing
an id in a URL tells nothing about what else is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from portal.models import Role
from portal.services.org import subtree_ids
from surveys.policy import ReportPolicy

SYSTEM = "system"
# An appraisal system pulling scores with an API key (portal.services.api_clients).
API_CLIENT = "api_client"
# Anyone reading the published results (PermenPAN-RB 14/2017 requires publication):
# every unit's results, never a breakdown by employee (the public pages ask for none).
PUBLIC = "public"


@dataclass(frozen=True)
class Viewer:
    """A reader of results: a role, the unit subtree or employee it is bound to, and the
    report policy every number it reads is judged by."""

    role: str
    policy: ReportPolicy
    unit_id: int | None = None  # unit heads: the root of what they see
    employee_id: int | None = None  # employees: whose scores they see

    @classmethod
    def of(cls, user, policy: ReportPolicy) -> Viewer:
        """Return the viewer for a logged-in user."""
        return cls(user.role, policy, unit_id=user.unit_id, employee_id=user.employee_id)

    @classmethod
    def system(cls, policy: ReportPolicy) -> Viewer:
        """Return the viewer of a command run by the operator: everything."""
        return cls(SYSTEM, policy)

    @classmethod
    def api_client(cls, client, policy: ReportPolicy) -> Viewer:
        """Return the viewer of an API client: its unit subtree, or every unit."""
        return cls(API_CLIENT, policy, unit_id=client.unit_id)

    @classmethod
    def public(cls, policy: ReportPolicy) -> Viewer:
        """Return the viewer of the published results page."""
        return cls(PUBLIC, policy)

    @property
    def about_one_employee(self) -> bool:
        """An employee reads only their own scores."""
        return self.role == Role.EMPLOYEE

    @property
    def sees_everything(self) -> bool:
        return self.role in (Role.ADMIN, Role.LEADERSHIP, SYSTEM, PUBLIC) or (
            self.role == API_CLIENT and self.unit_id is None
        )


def visible_units(session: Session, viewer: Viewer) -> set[int] | None:
    """Return the ids of the units ``viewer`` may read, or None for every unit."""
    if viewer.sees_everything:
        return None
    if viewer.role in (Role.UNIT_HEAD, API_CLIENT) and viewer.unit_id is not None:
        return set(subtree_ids(session, viewer.unit_id))
    return set()
