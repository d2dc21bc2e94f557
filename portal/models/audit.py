"""The audit log: every administrative change, who made it, when, before and after.

Rows are only ever added. The migration installs triggers that refuse UPDATE and DELETE
on the table (SQLite and PostgreSQL alike), so not even a bug in the portal, nor an
administrator with a ``flask shell``, can quietly rewrite what was done.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DDL, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_at", "at"),
        Index("ix_audit_event_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # A username for a change made on a page; "cli:<os user>" for a command.
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))  # "counter.rotate_link"
    target_type: Mapped[str] = mapped_column(String(20))  # "counter"
    target_id: Mapped[int | None]
    target_label: Mapped[str] = mapped_column(String(200), default="")
    # Canonical JSON of the changed fields, before and after (None: created / removed).
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


REFUSE = "audit_event is append-only"
# The login log (portal.models.access.LoginEvent, migration 0015) is kept the same way.
APPEND_ONLY = ("audit_event", "login_event")


def append_only_statements(dialect: str, table: str = "audit_event") -> list[str]:
    """The triggers refusing UPDATE and DELETE on an append-only table (as migrations
    0008 and 0015 install them)."""
    refuse = f"{table} is append-only"
    if dialect == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{refuse}'; END; $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
        ]
    return [
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{refuse}'); END"
        for verb in ("UPDATE", "DELETE")
    ]


def _install(target, connection, tables=(), **_) -> None:
    for table in tables:
        if table.name in APPEND_ONLY:
            for statement in append_only_statements(connection.dialect.name, table.name):
                connection.execute(DDL(statement.replace("%", "%%")))


def _uninstall(target, connection, **_) -> None:
    if connection.dialect.name == "postgresql":
        for table in APPEND_ONLY:
            connection.execute(DDL(f"DROP FUNCTION IF EXISTS {table}_append_only() CASCADE"))


# create_all (the tests, the benchmarks) installs what migrations 0008 and 0015 do.
event.listen(Base.metadata, "after_create", _install)
event.listen(Base.metadata, "after_drop", _uninstall)
