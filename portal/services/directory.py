"""What survey links resolve to, kept per process for as long as the directory is unchanged.

Every survey page a citizen opens, and every response stored, needs the same facts:
the counter and its unit chain, the instrument, the service types, who is on the
roster. Read afresh they cost five queries per request, most of a request's time on
PostgreSQL, yet they change a few times a month. A request reuses whatever this process
read under the current directory stamp (``portal.models.directory``), which any write to
the directory changes in the same transaction.

Reading the stamp is itself a round trip to the database, and on a busy PostgreSQL the
one that would make every survey page wait on it. So a process may reuse the stamp it
read up to ``max_age`` seconds ago: a revoked poster or a renamed counter then shows
within that time (a second by default) instead of on the very next request, and a blank
survey page needs no database at all.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from time import monotonic
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from portal.models import DirectoryStamp

T = TypeVar("T")

# Survey targets and roster days: a Pemda has a few thousand counters and cards.
MAX_ENTRIES = 20_000

# A Core select of the table: the ORM would add its own compile step to every request.
_STAMP = select(DirectoryStamp.__table__.c.stamp).where(DirectoryStamp.__table__.c.id == 1)
_entries: dict[Hashable, tuple[str, object]] = {}
# The last stamp read from each database, and when: (monotonic(), stamp).
_read: weakref.WeakKeyDictionary[Engine, tuple[float, str]] = weakref.WeakKeyDictionary()


def stamp(session: Session, max_age: float = 0.0) -> str:
    """Return the directory's stamp as this transaction sees it, or as this process read
    it less than ``max_age`` seconds ago."""
    if max_age <= 0:
        return session.execute(_STAMP).scalar_one()
    engine = session.get_bind()
    now = monotonic()
    last = _read.get(engine)
    if last is not None and now - last[0] < max_age:
        return last[1]
    current = session.execute(_STAMP).scalar_one()
    _read[engine] = (now, current)
    return current


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
