"""profile rollup: monthly respondents per unit by sex, age band, education, occupation

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 08:00:00

The respondent profile of a Pemda's year was counted from every raw response (15 s at
10^6 responses, bench/dashboard.py); it is now summed from one row per unit and month,
with a count column per category, which the submit path and rollups.recount keep like
the statistics buckets. Existing responses are counted in here once. The categories are
written out below, not imported, so this migration stays what it was
(surveys/respondents.py holds the live list; a test recounts and compares).
"""
import datetime as dt
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

ANSWERS = [f"u{n}" for n in range(1, 10)]
AGE_BANDS = ((None, 24, "lt25"), (25, 34, "25_34"), (35, 44, "35_44"), (45, 54, "45_54"), (55, None, "55plus"))
CODES = {
    "sex": ("l", "p"),
    "age": tuple(label for _, _, label in AGE_BANDS),
    "edu": ("sd", "smp", "sma", "d3", "s1", "s2", "s3"),
    "occ": ("pns", "tni", "polri", "swasta", "wirausaha", "pelajar", "lainnya"),
}
COLUMNS = [f"{prefix}_{code}" for prefix, codes in CODES.items() for code in (*codes, "none", "other")]


def _column(prefix, value):
    if value is None or value == "":
        return f"{prefix}_none"
    code = str(value).lower()
    return f"{prefix}_{code}" if code in CODES[prefix] else f"{prefix}_other"


def _age(age):
    if age is None:
        return "age_none"
    for low, high, label in AGE_BANDS:
        if (low is None or age >= low) and (high is None or age <= high):
            return f"age_{label}"
    return "age_other"


def upgrade():
    table = op.create_table(
        "rollup_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket_key", sa.String(length=80), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COLUMNS),
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
    buckets = defaultdict(lambda: dict.fromkeys(["respondents", *COLUMNS], 0))
    for row in op.get_bind().execute(query):
        day = row.service_date
        if isinstance(day, str):  # SQLite through a lightweight table: ISO text
            day = dt.date.fromisoformat(day)
        counts = buckets[(day.replace(day=1), row.unit_id)]
        counts["respondents"] += 1
        for name in (_column("sex", row.sex), _age(row.age), _column("edu", row.education),
                     _column("occ", row.occupation)):
            counts[name] += 1
    rows = [
        {"bucket_key": f"{month:%Y-%m}|u{unit}", "month": month, "unit_id": unit, **counts}
        for (month, unit), counts in buckets.items()
    ]
    for start in range(0, len(rows), 2000):
        op.bulk_insert(table, rows[start : start + 2000])


def downgrade():
    op.drop_index("ix_rollup_profile_unit_month", table_name="rollup_profile")
    op.drop_table("rollup_profile")
