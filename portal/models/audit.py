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


def append_only_statements(dialect: str) -> list[str]:
    """The triggers refusing UPDATE and DELETE on the audit log (as migration 0008)."""
    if dialect == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{REFUSE}'; END; $$ LANGUAGE plpgsql",
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
        ]
    return [
        f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END"
        for verb in ("UPDATE", "DELETE")
    ]


def _install(target, connection, tables=(), **_) -> None:
    if AuditEvent.__table__ in tables:
        for statement in append_only_statements(connection.dialect.name):
            connection.execute(DDL(statement.replace("%", "%%")))


def _uninstall(target, connection, **_) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(DDL("DROP FUNCTION IF EXISTS audit_event_append_only() CASCADE"))


# create_all (the tests, the benchmarks) installs what migration 0008 does.
event.listen(Base.metadata, "after_create", _install)
event.listen(Base.metadata, "after_drop", _uninstall)
