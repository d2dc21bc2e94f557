"""follow-up plan: a unit's actions on its weakest unsur, per period

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 01:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "follow_up_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=24), nullable=False),
        sa.Column("unsur", sa.String(length=3), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=160), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_follow_up_action_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_action")),
    )
    op.create_index(
        "ix_follow_up_action_unit_period", "follow_up_action", ["unit_id", "period"], unique=False
    )


def downgrade():
    op.drop_index("ix_follow_up_action_unit_period", table_name="follow_up_action")
    op.drop_table("follow_up_action")
