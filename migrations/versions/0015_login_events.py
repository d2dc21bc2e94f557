"""login events: every staff login attempt, its outcome, and no name or address kept

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 09:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name_hash", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("client_hash", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_login_event_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_event")),
    )
    op.create_index("ix_login_event_at", "login_event", ["at"], unique=False)
    op.create_index("ix_login_event_user_at", "login_event", ["user_id", "at"], unique=False)
    op.create_index("ix_login_event_name_hash", "login_event", ["name_hash"], unique=False)


def downgrade():
    op.drop_index("ix_login_event_name_hash", table_name="login_event")
    op.drop_index("ix_login_event_user_at", table_name="login_event")
    op.drop_index("ix_login_event_at", table_name="login_event")
    op.drop_table("login_event")
