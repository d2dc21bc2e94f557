"""What survey links resolve to, kept per process for as long as the directory is unchanged.

Every survey page a citizen opens, and every response stored, needs the same facts:
the counter and its unit chain, the instrument, the service types, who is on the
roster. Read afresh they cost five queries per request, most of a request's time on
PostgreSQL, yet they change a few times a month. A request now reads one value, the
directory stamp (``portal.models.directory``), and reuses whatever this process read
under the same stamp. Any write to the directory changes the stamp in the same
transaction, so a revoked poster or a renamed counter is seen by the very next request.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import DirectoryStamp

T = TypeVar("T")

# Survey targets and roster days: a Pemda has a few thousand counters and cards.
MAX_ENTRIES = 20_000

# A Core select of the table: the ORM would add its own compile step to every request.
_STAMP = select(DirectoryStamp.__table__.c.stamp).where(DirectoryStamp.__table__.c.id == 1)
_entries: dict[Hashable, tuple[str, object]] = {}


def stamp(session: Session) -> str:
    """Return the directory's current stamp, as this transaction sees it."""
    return session.execute(_STAMP).scalar_one()


def cached(key: Hashable, current: str, load: Callable[[], T]) -> T:
    """Return what ``load`` returned under the stamp ``current``, calling it if needed.

    ``load`` must return plain values, never ORM instances: entries outlive the session
    and are shared by the worker's threads.
    """
    entry = _entries.get(key)
    if entry is not None and entry[0] == current:
        return entry[1]
    value = load()
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    _entries[key] = (current, value)
    return value
