"""People who log in: administrators, unit heads and employees."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal.models.base import Base, utcnow

# werkzeug's default, scrypt: about a quarter of a second per hash or check here. The
# test suite lowers it (tests/conftest.py), where it made half the inner loop's time.
PASSWORD_HASH_METHOD = "scrypt"


class Role:
    ADMIN = "admin"
    # Pemda leadership (Bupati/Wali Kota, Sekda, Inspektorat): reads the whole tree.
    LEADERSHIP = "leadership"
    UNIT_HEAD = "unit_head"
    EMPLOYEE = "employee"


class User(UserMixin, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(12))
    # A unit head sees this unit and everything below it.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when an administrator gives a temporary password: the next login must replace it.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # Part of every session's id: bumping it (logout, a password change or reset,
    # deactivation) ends every session of the user on every device at once.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    unit = relationship("Unit")
    employee = relationship("Employee")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session: the user and their session version."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """End every session of this user, wherever it is open."""
        self.session_version = (self.session_version or 1) + 1

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_HASH_METHOD)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class LoginOutcome:
    SUCCESS = "success"
    WRONG_PASSWORD = "wrong_password"
    UNKNOWN_ACCOUNT = "unknown_account"
    LOCKED = "locked"  # refused, whatever the password, while the name is locked out
    INACTIVE = "inactive"  # a deactivated account
    ALL = (SUCCESS, WRONG_PASSWORD, UNKNOWN_ACCOUNT, LOCKED, INACTIVE)


class LoginEvent(Base):
    """One login attempt: who (if the name is an account), when, how it ended, from what.

    Neither the name typed nor the client's address is kept: ``name_hash`` is a keyed
    hash of the normalized name (so attempts on one unknown name can be grouped) and
    ``client_hash`` the keyed hash of address and browser the survey uses.
    """

    __tablename__ = "login_event"
    __table_args__ = (
        Index("ix_login_event_at", "at"),
        Index("ix_login_event_user_at", "user_id", "at"),
        Index("ix_login_event_name_hash", "name_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)  # UTC
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    name_hash: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))
    client_hash: Mapped[str] = mapped_column(String(32))

    user = relationship("User")
