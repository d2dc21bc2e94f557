"""users: a session version, so logout, a new password or deactivation end every session

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 07:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="1")
        )


def downgrade():
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("session_version")
