"""Readiness: can this process serve a citizen right now?"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def database(session: Session) -> Check:
    try:
        session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not ready"
        session.rollback()
        log.warning("Readiness: database unavailable: %s", exc.__class__.__name__)
        return Check("database", False, "unavailable")
    return Check("database", True, session.get_bind().dialect.name)


def rate_limit_storage(limiter) -> Check:
    """Check the limiter's storage; in-memory storage is always ready."""
    if not limiter.enabled:
        return Check("rate_limit_storage", True, "disabled")
    try:
        ok = bool(limiter.storage.check())
        reason = "the check failed"
    except Exception as exc:
        ok, reason = False, exc.__class__.__name__
    if not ok:
        log.warning("Readiness: rate-limit storage unavailable: %s", reason)
    kind = type(limiter.storage).__name__ if ok else "unavailable"
    return Check("rate_limit_storage", ok, kind)
