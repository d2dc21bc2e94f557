"""served population: the citizens a unit served in a period, for the sample check

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 07:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "served_population",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=24), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("entered_by", sa.String(length=80), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_served_population_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_served_population")),
        sa.UniqueConstraint(
            "unit_id", "period", name=op.f("uq_served_population_unit_id_period")
        ),
    )


def downgrade():
    op.drop_table("served_population")
