"""Logins and accounts: checking a password, changing and resetting it, creating users.

Every change to an account is recorded in the audit log (never a password or a hash).
Services flush; the request or the command commits.
"""

from __future__ import annotations

import re
import secrets
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from portal.models import Employee, Role, Unit, User, access
from portal.services import audit
from surveys.errors import NotFound, SurveyError
from surveys.passwords import Policy, WeakPassword

ROLES = (Role.ADMIN, Role.LEADERSHIP, Role.UNIT_HEAD, Role.EMPLOYEE)


@cache
def _dummy_hash() -> str:
    """Return a hash checked against when the username is unknown, so both failures take
    the same time. Made on first use, not at import: hashing takes a quarter of a second,
    which every process start (each CLI command, each worker) would otherwise pay."""
    return generate_password_hash("no user has this password", method=access.PASSWORD_HASH_METHOD)


def check_nothing(password: str) -> None:
    """Spend the time a password check takes, for a name that is no account."""
    check_password_hash(_dummy_hash(), password)


def load(session: Session, session_id: str) -> User | None:
    """Return the user a session names, or None when the user is deactivated or the
    session was ended (its version is no longer the user's: ``User.end_sessions``)."""
    user_id, _, version = (session_id or "").partition(":")
    try:
        number, version_number = int(user_id), int(version)
    except (TypeError, ValueError):
        return None
    found = session.get(User, number) if 0 < number <= 2**31 - 1 else None
    if found is None or not found.active or found.session_version != version_number:
        return None
    return found


class WrongPassword(SurveyError):
    """The current password given to change it is not the user's."""


class InvalidAccount(SurveyError):
    """A user that cannot be created or changed as asked (name taken, scope missing...)."""

    http_status = 422


POLICY = Policy()
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


def temporary_password() -> str:
    """Return a password for an administrator to hand over; it must be changed at once."""
    return secrets.token_urlsafe(12)


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Replace a user's password after checking the current one and the policy."""
    if not user.check_password(current):
        raise WrongPassword("The current password is wrong.")
    POLICY.check(new, username=user.username)
    if new == current:
        raise WeakPassword("same")
    user.set_password(new)
    user.must_change_password = False
    user.end_sessions()
    audit.record(
        session,
        actor=user.username,
        action="user.change_password",
        target_type="user",
        target_id=user.id,
        label=user.username,
    )
    session.flush()


def end_sessions(session: Session, user: User) -> None:
    """End every session of the user (logging out ends them on every device)."""
    user.end_sessions()
    session.flush()


def reset_password(session: Session, user_id: int, *, by: str) -> tuple[User, str]:
    """Give a user a temporary password, to be replaced at their next login."""
    user = get(session, user_id)
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.end_sessions()
    audit.record(
        session,
        actor=by,
        action="user.reset_password",
        target_type="user",
        target_id=user.id,
        label=user.username,
        after={"must_change_password": True},
    )
    session.flush()
    return user, password


def get(session: Session, user_id: int) -> User:
    found = session.get(User, user_id) if 0 < user_id <= 2**31 - 1 else None
    if found is None:
        raise NotFound(f"No user {user_id}.")
    return found


def admins_exist(session: Session) -> bool:
    return session.scalar(select(User.id).where(User.role == Role.ADMIN).limit(1)) is not None


USER_FIELDS = ("username", "role", "unit_id", "employee_id", "active")


def create(
    session: Session,
    *,
    username: str,
    role: str,
    by: str,
    unit_id: int | None = None,
    employee_id: int | None = None,
    password: str | None = None,
) -> tuple[User, str | None]:
    """Create a user. Without ``password`` a temporary one is made and returned, and
    must be changed at the first login; a chosen one must pass the policy."""
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise InvalidAccount("username")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise InvalidAccount("taken")
    if role not in ROLES:
        raise InvalidAccount("role")
    if role == Role.UNIT_HEAD and (unit_id is None or session.get(Unit, unit_id) is None):
        raise InvalidAccount("unit")
    if role == Role.EMPLOYEE and (
        employee_id is None or session.get(Employee, employee_id) is None
    ):
        raise InvalidAccount("employee")
    temporary = None
    if password is None:
        temporary = password = temporary_password()
    else:
        POLICY.check(password, username=username)
    employee = session.get(Employee, employee_id) if role == Role.EMPLOYEE else None
    user = User(
        username=username,
        role=role,
        unit_id=unit_id if role == Role.UNIT_HEAD else (employee.unit_id if employee else None),
        employee_id=employee_id if role == Role.EMPLOYEE else None,
        must_change_password=temporary is not None,
    )
    user.set_password(password)
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=by,
        action="user.create",
        target_type="user",
        target_id=user.id,
        label=username,
        after=audit.state(user, USER_FIELDS),
    )
    return user, temporary


def page(session: Session, text: str = "", number: int = 1) -> tuple[list[User], bool]:
    """One page of users by name, those whose name holds ``text`` if given."""
    query = select(User).order_by(User.username)
    if text:
        query = query.where(User.username.contains(text.lower(), autoescape=True))
    number = max(1, min(number, 100_000))
    rows = list(session.scalars(query.offset((number - 1) * 50).limit(51)))
    return rows[:50], len(rows) > 50


def set_active(session: Session, user_id: int, active: bool, *, by: str) -> User:
    """Deactivate a user (every session of theirs ends at its next request) or restore them."""
    user = get(session, user_id)
    if audit.set_active(session, user, active, by=by, target_type="user"):
        user.end_sessions()
        session.flush()
    return user
