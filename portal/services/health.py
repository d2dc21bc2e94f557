"""Readiness: can this process serve a citizen right now?"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import false, update
from sqlalchemy.orm import Session

from portal.database import reset
from portal.models import Response

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


# An UPDATE that matches no row still takes what storing a response needs: SQLite's one
# write lock, PostgreSQL's write lock on the table (and a writable, non-standby server).
_WRITE_PROBE = update(Response).where(false()).values(flags=Response.flags)


def database(session: Session) -> Check:
    """Check that the database could store a citizen's response now; write nothing.

    Answering a SELECT is not enough: a locked SQLite file, or a PostgreSQL standby,
    reads fine and refuses every submission.
    """
    try:
        session.execute(_WRITE_PROBE)
    except Exception as exc:  # any driver error means "not ready"
        log.warning("Readiness: the database cannot take a write: %s", exc.__class__.__name__)
        return Check("database", False, "unavailable")
    finally:
        reset(session)
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
