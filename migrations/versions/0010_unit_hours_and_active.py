"""units: service hours, and deactivation that keeps history

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 07:55:00

Plain ADD COLUMN, not a batch copy: on SQLite a batch operation recreates the table and
would drop the directory-stamp triggers migration 0002 put on ``unit``.
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

STAMP = "lower(hex(randomblob(16)))"


def upgrade():
    op.add_column("unit", sa.Column("service_hours", sa.String(length=200), nullable=True))
    op.add_column(
        "unit", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
    )


def downgrade():
    with op.batch_alter_table("unit") as batch:
        batch.drop_column("active")
        batch.drop_column("service_hours")
    if op.get_bind().dialect.name == "sqlite":
        # The batch copy dropped the table's triggers; put back those of migration 0002.
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER IF NOT EXISTS directory_changed_unit_{event.lower()} "
                f"AFTER {event} ON unit BEGIN UPDATE directory_stamp SET stamp = {STAMP}; END"
            )
