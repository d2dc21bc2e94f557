"""comments: partial indexes for the newest comments and their counts

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 08:05:00

The comments page read every commented response of a Pemda's year and sorted them all
to show twenty (3.4 s at 10^6 responses, bench/dashboard.py). These indexes hold only
the responses with a comment: newest first for a page, by unit and day for a count.
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

COMMENTED = sa.text("comment IS NOT NULL AND comment <> ''")


def upgrade():
    op.create_index(
        "ix_response_commented_submitted", "response", ["submitted_at", "id"],
        sqlite_where=COMMENTED, postgresql_where=COMMENTED,
    )
    op.create_index(
        "ix_response_commented_unit_day", "response", ["unit_id", "service_date"],
        sqlite_where=COMMENTED, postgresql_where=COMMENTED,
    )


def downgrade():
    op.drop_index("ix_response_commented_unit_day", table_name="response")
    op.drop_index("ix_response_commented_submitted", table_name="response")
