"""rosters: weekly patterns and absences beside the published duty shifts

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 07:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "roster_pattern",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.ForeignKeyConstraint(
            ["counter_id"], ["counter.id"], name=op.f("fk_roster_pattern_counter_id_counter")
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employee.id"], name=op.f("fk_roster_pattern_employee_id_employee")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_pattern")),
    )
    op.create_index(
        op.f("ix_roster_pattern_counter_id"), "roster_pattern", ["counter_id"], unique=False
    )
    op.create_index(
        op.f("ix_roster_pattern_employee_id"), "roster_pattern", ["employee_id"], unique=False
    )
    op.create_table(
        "absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employee.id"], name=op.f("fk_absence_employee_id_employee")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absence")),
    )
    op.create_index("ix_absence_employee_day", "absence", ["employee_id", "day"], unique=True)


def downgrade():
    op.drop_index("ix_absence_employee_day", table_name="absence")
    op.drop_table("absence")
    op.drop_index(op.f("ix_roster_pattern_employee_id"), table_name="roster_pattern")
    op.drop_index(op.f("ix_roster_pattern_counter_id"), table_name="roster_pattern")
    op.drop_table("roster_pattern")
