"""integrity: device hash, exclusion and review on responses; staff devices

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 10:00:00

Issue 16: responses flagged by the integrity rules (``surveys.integrity``) are kept but
may be left out of every score (``excluded``) until a reviewer decides (``review``).
Existing responses were never judged: they keep ``flags`` 0 and count as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

FLAGGED = sa.text("flags <> 0")


def upgrade():
    # Added in place (no table copy): the response table is the big one.
    op.add_column("response", sa.Column("device_hash", sa.String(64), nullable=True))
    op.add_column(
        "response",
        sa.Column("excluded", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("response", sa.Column("review", sa.String(10), nullable=True))
    op.add_column("response", sa.Column("reviewed_at", sa.DateTime(), nullable=True))
    op.add_column("response", sa.Column("reviewed_by", sa.Integer(), nullable=True))
    op.create_index(
        "ix_response_flagged_unit_day",
        "response",
        ["unit_id", "service_date"],
        sqlite_where=FLAGGED,
        postgresql_where=FLAGGED,
    )
    op.create_table(
        "staff_device",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("device_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("device_hash", "user_id"),
    )
    op.create_index("ix_staff_device_seen", "staff_device", ["seen_at"])


def downgrade():
    op.drop_index("ix_staff_device_seen", table_name="staff_device")
    op.drop_table("staff_device")
    op.drop_index("ix_response_flagged_unit_day", table_name="response")
    with op.batch_alter_table("response") as batch:
        for name in ("reviewed_by", "reviewed_at", "review", "excluded", "device_hash"):
            batch.drop_column(name)
