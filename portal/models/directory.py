"""One stamp that changes whenever the directory a survey link resolves against changes.

The directory is the units, counters, employees, service types, instruments and duty
shifts. The survey pages keep what they read from it per process (see
``portal.services.directory``) and need to learn, with one cheap read, whether it is
still true. Database triggers set a new random stamp on every write to those tables,
so a change made from the admin pages, a CLI command, a script or psql counts alike.
The stamp is random rather than a counter so that a database restored from a backup,
or a fresh test database, never repeats a stamp a running process has already seen.
"""

from __future__ import annotations

from sqlalchemy import DDL, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base

WATCHED_TABLES = ("unit", "counter", "employee", "service_type", "instrument", "duty_shift")


class DirectoryStamp(Base):
    """The single row holding the directory's current stamp."""

    __tablename__ = "directory_stamp"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stamp: Mapped[str] = mapped_column(String(32))


SQLITE_NEW_STAMP = "lower(hex(randomblob(16)))"
POSTGRESQL_NEW_STAMP = "md5(random()::text || clock_timestamp()::text)"


def sqlite_statements() -> list[str]:
    # SQLite triggers fire per row and per event; the bodies are one UPDATE of one row.
    return [
        f"CREATE TRIGGER directory_changed_{table}_{event_name.lower()} "
        f"AFTER {event_name} ON {table} BEGIN "
        f"UPDATE directory_stamp SET stamp = {SQLITE_NEW_STAMP}; END"
        for table in WATCHED_TABLES
        for event_name in ("INSERT", "UPDATE", "DELETE")
    ]


def postgresql_statements() -> list[str]:
    # Per statement, so a bulk import of a roster bumps the stamp once, not per row.
    return [
        "CREATE OR REPLACE FUNCTION directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN UPDATE directory_stamp SET stamp = {POSTGRESQL_NEW_STAMP}; RETURN NULL; END $$",
        *(
            f"CREATE TRIGGER directory_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION directory_changed()"
            for table in WATCHED_TABLES
        ),
    ]


def _install(target, connection, tables=(), **_) -> None:
    if DirectoryStamp.__table__ not in tables:
        return
    dialect = connection.dialect.name
    statements = sqlite_statements() if dialect == "sqlite" else postgresql_statements()
    initial = SQLITE_NEW_STAMP if dialect == "sqlite" else POSTGRESQL_NEW_STAMP
    connection.execute(DDL(f"INSERT INTO directory_stamp (id, stamp) VALUES (1, {initial})"))
    for statement in statements:
        connection.execute(DDL(statement.replace("%", "%%")))


def _uninstall(target, connection, **_) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(DDL("DROP FUNCTION IF EXISTS directory_changed()"))


# create_all (the tests, the benchmarks) installs what migration 0002 does.
event.listen(Base.metadata, "after_create", _install)
event.listen(Base.metadata, "after_drop", _uninstall)
