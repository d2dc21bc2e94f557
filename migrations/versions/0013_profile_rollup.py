"""profile rollup: monthly respondents by sex, age band, education and occupation

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 08:00:00

The respondent profile of a Pemda's year was counted from every raw response (15 s at
10^6 responses, bench/dashboard.py); it is now summed from these buckets, which the
submit path and rollups.recount keep like the statistics buckets. Existing responses
are counted in here once. The bucket rules are written out below, not imported, so
this migration stays what it was (portal/services/rollups.py holds the live ones, and a
test recounts and compares).
"""
import datetime as dt
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

AGE_BANDS = ((None, 24, "<25"), (25, 34, "25-34"), (35, 44, "35-44"), (45, 54, "45-54"), (55, None, "55+"))
ANSWERS = [f"u{n}" for n in range(1, 10)]


def _band(age):
    if age is None:
        return ""
    for low, high, label in AGE_BANDS:
        if (low is None or age >= low) and (high is None or age <= high):
            return label
    return ""


def upgrade():
    table = op.create_table(
        "rollup_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket_key", sa.String(length=80), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("age_band", sa.String(length=5), nullable=False),
        sa.Column("education", sa.String(length=3), nullable=False),
        sa.Column("occupation", sa.String(length=12), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_rollup_profile_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollup_profile")),
        sa.UniqueConstraint("bucket_key", name=op.f("uq_rollup_profile_bucket_key")),
    )
    op.create_index("ix_rollup_profile_unit_month", "rollup_profile", ["unit_id", "month"], unique=False)
    response = sa.table(
        "response",
        *(sa.column(name) for name in ("unit_id", "service_date", "sex", "age", "education", "occupation", *ANSWERS)),
    )
    answered = sa.or_(*(response.c[name].is_not(None) for name in ANSWERS))
    query = sa.select(
        response.c.unit_id, response.c.service_date, response.c.sex, response.c.age,
        response.c.education, response.c.occupation,
    ).where(answered)
    buckets = defaultdict(int)
    for row in op.get_bind().execute(query):
        day = row.service_date
        if isinstance(day, str):  # SQLite through a lightweight table: ISO text
            day = dt.date.fromisoformat(day)
        month = day.replace(day=1)
        buckets[(month, row.unit_id, row.sex or "", _band(row.age), row.education or "", row.occupation or "")] += 1
    rows = [
        {
            "bucket_key": f"{month:%Y-%m}|u{unit}|x{sex}|a{band}|d{edu}|o{occ}",
            "month": month, "unit_id": unit, "sex": sex, "age_band": band,
            "education": edu, "occupation": occ, "respondents": n,
        }
        for (month, unit, sex, band, edu, occ), n in buckets.items()
    ]
    for start in range(0, len(rows), 5000):
        op.bulk_insert(table, rows[start : start + 5000])


def downgrade():
    op.drop_index("ix_rollup_profile_unit_month", table_name="rollup_profile")
    op.drop_table("rollup_profile")
