"""directory stamp: one value that changes with every write to the directory

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 23:55:00

The survey pages keep what they read about units, counters, employees, service types,
instruments and duty shifts per process, and check this stamp (at most once a second,
DIRECTORY_REFRESH_MS) to learn whether it is still true (see portal/models/directory.py). The trigger SQL is
written out here, not imported, so that this migration stays what it was.
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

TABLES = ("unit", "counter", "employee", "service_type", "instrument", "duty_shift")
SQLITE_NEW_STAMP = "lower(hex(randomblob(16)))"
POSTGRESQL_NEW_STAMP = "md5(random()::text || clock_timestamp()::text)"


def upgrade():
    op.create_table('directory_stamp',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stamp', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_stamp'))
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"INSERT INTO directory_stamp (id, stamp) VALUES (1, {SQLITE_NEW_STAMP})")
        for table in TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER directory_changed_{table}_{event.lower()} "
                    f"AFTER {event} ON {table} BEGIN "
                    f"UPDATE directory_stamp SET stamp = {SQLITE_NEW_STAMP}; END"
                )
    else:
        op.execute(f"INSERT INTO directory_stamp (id, stamp) VALUES (1, {POSTGRESQL_NEW_STAMP})")
        op.execute(
            "CREATE OR REPLACE FUNCTION directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN UPDATE directory_stamp SET stamp = {POSTGRESQL_NEW_STAMP}; RETURN NULL; END $$"
        )
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER directory_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION directory_changed()"
            )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS directory_changed_{table}_{event}")
    else:
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS directory_changed ON {table}")
        op.execute("DROP FUNCTION IF EXISTS directory_changed()")
    op.drop_table('directory_stamp')
