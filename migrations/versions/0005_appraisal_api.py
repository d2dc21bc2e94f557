"""appraisal API: API clients and their calls, closed periods and their snapshots

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:00:00

- api_client: a system that pulls scores with a bearer key (only its SHA-256 is kept),
  scoped to a unit subtree or the whole Pemda; api_call logs each authenticated call.
- period_snapshot and snapshot_entry: a closed period's score objects, frozen as the
  JSON the API served (docs/api.md).
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("key_prefix", sa.String(length=12), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_api_client_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_client")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_client_key_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_api_client_name")),
    )
    op.create_table(
        "api_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("route", sa.String(length=120), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["api_client.id"], name=op.f("fk_api_call_client_id_api_client")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_call")),
    )
    op.create_index("ix_api_call_client_at", "api_call", ["client_id", "at"], unique=False)
    op.create_table(
        "period_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=24), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("closed_by", sa.String(length=80), nullable=False),
        sa.Column("reopened_at", sa.DateTime(), nullable=True),
        sa.Column("reopened_by", sa.String(length=80), nullable=True),
        sa.Column("reopen_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period_snapshot")),
        sa.UniqueConstraint("period", "version", name=op.f("uq_period_snapshot_period_version")),
    )
    op.create_index(op.f("ix_period_snapshot_period"), "period_snapshot", ["period"], unique=False)
    op.create_table(
        "snapshot_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("sort_key", sa.String(length=24), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["period_snapshot.id"],
            name=op.f("fk_snapshot_entry_snapshot_id_period_snapshot"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot_entry")),
        sa.UniqueConstraint(
            "snapshot_id", "kind", "subject_id", name=op.f("uq_snapshot_entry_snapshot_id_kind_subject_id")
        ),
    )
    op.create_index(
        "ix_snapshot_entry_nip", "snapshot_entry", ["snapshot_id", "kind", "sort_key"], unique=False
    )


def downgrade():
    op.drop_index("ix_snapshot_entry_nip", table_name="snapshot_entry")
    op.drop_table("snapshot_entry")
    op.drop_index(op.f("ix_period_snapshot_period"), table_name="period_snapshot")
    op.drop_table("period_snapshot")
    op.drop_index("ix_api_call_client_at", table_name="api_call")
    op.drop_table("api_call")
    op.drop_table("api_client")
