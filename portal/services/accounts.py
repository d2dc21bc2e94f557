"""Logins: finding a user by name and checking a password."""

from __future__ import annotations

from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from portal.models import User, access


@cache
def _dummy_hash() -> str:
    """Return a hash checked against when the username is unknown, so both failures take
    the same time. Made on first use, not at import: hashing takes a quarter of a second,
    which every process start (each CLI command, each worker) would otherwise pay."""
    return generate_password_hash("no user has this password", method=access.PASSWORD_HASH_METHOD)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """Return the active user with these credentials, or None."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.active or not user.check_password(password):
        return None
    return user


def load(session: Session, user_id: str) -> User | None:
    try:
        return session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
