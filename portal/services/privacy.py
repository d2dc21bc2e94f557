"""Retention (UU 27/2022): what a response says beyond its anonymous scores is erased
once it is older than ``RETENTION_DAYS``.

The scores stay: the response row, its answers, its profile and every rollup bucket are
untouched, so no score, before or after, changes. Only the columns in
``PURGED_COLUMNS`` are set to NULL. ``flask --app wsgi privacy purge`` runs it in
batches, committing after each (with its audit record), so submissions never wait on
more than one batch.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from portal.models import Response
from portal.services import audit

# Every column of ``response`` that holds free text, a contact detail or a hash of the
# client: what the purge erases. A new column of that kind (a device hash, a contact
# for a follow-up) is added HERE, and nowhere else.
PURGED_COLUMNS: tuple[str, ...] = ("comment", "client_hash", "device_hash")

DEFAULT_BATCH = 1000


def cutoff(now: dt.datetime, retention_days: int) -> dt.datetime:
    """Return the moment before which a response is past its retention."""
    return now - dt.timedelta(days=retention_days)


def _holding_data(before: dt.datetime):
    columns = [getattr(Response, name) for name in PURGED_COLUMNS]
    return (Response.submitted_at < before, or_(*(c.is_not(None) for c in columns)))


def count(session: Session, before: dt.datetime) -> int:
    """Return how many responses submitted before ``before`` still hold purgeable data."""
    return session.scalar(select(func.count()).where(*_holding_data(before))) or 0


def purge_batch(
    session: Session, before: dt.datetime, *, by: str, limit: int = DEFAULT_BATCH
) -> int:
    """Erase the purged columns of at most ``limit`` responses past their retention and
    record it in the audit log, in the caller's transaction; return how many rows
    changed (0: none left, nothing recorded)."""
    ids = session.scalars(select(Response.id).where(*_holding_data(before)).limit(limit)).all()
    if not ids:
        return 0
    session.execute(
        update(Response)
        .where(Response.id.in_(ids))
        .values({name: None for name in PURGED_COLUMNS})
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session,
        actor=by,
        action="privacy.purge",
        target_type="response",
        target_id=None,
        label=f"{len(ids)} responses submitted before {before:%Y-%m-%d %H:%M} UTC",
        before={"columns": list(PURGED_COLUMNS)},
        after={
            "columns": [],
            "submitted_before": before.isoformat(timespec="seconds"),
            "rows": len(ids),
        },
    )
    return len(ids)
