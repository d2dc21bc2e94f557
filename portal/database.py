"""Database connection settings, and what counts as "the database is unavailable".

Timeouts are set per engine from the configuration (``portal.config.engine_options``);
the SQLite pragmas here are the embedded profile's fixed choices.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import scoped_session

# Page cache per connection, in KiB (negative: KiB, not pages). The default 2 MiB is
# smaller than the rollup tables of a year of a Pemda once the responses table grows
# past a few hundred MB; 32 MiB keeps the rollups in memory.
SQLITE_CACHE_KIB = 32 * 1024

# Errors that say the database cannot serve the request now, though the request was
# fine: it is down or unreachable (OperationalError, InterfaceError), locked or slower
# than its lock or statement timeout (OperationalError), or every pooled connection is
# busy (TimeoutError). A client should keep what it sent and try again later.
UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.TimeoutError)


def is_unavailable(error: BaseException) -> bool:
    """Return whether ``error`` means "try again later" rather than "this request is wrong"."""
    if isinstance(error, UNAVAILABLE):
        return True
    return isinstance(error, exc.DBAPIError) and bool(error.connection_invalidated)


def reset(session) -> None:
    """End the session's transaction after a failure, even when the database is gone.

    A rollback on a connection the server dropped can itself fail (psycopg: "consuming
    input failed"); then the connections are invalidated instead, so the pool opens fresh
    ones once the database is back.
    """
    try:
        session.rollback()
    except exc.DBAPIError:
        # A scoped session (Flask-SQLAlchemy's db.session) does not proxy invalidate().
        (session() if isinstance(session, scoped_session) else session).invalidate()


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    # WAL lets readers (the dashboard) proceed while a citizen's submission is written.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()
