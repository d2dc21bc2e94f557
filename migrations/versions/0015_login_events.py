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

REFUSE = "login_event is append-only"


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
    # Like the audit log (0008): rows are only ever added.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION login_event_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{REFUSE}'; END; $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER login_event_append_only BEFORE UPDATE OR DELETE ON login_event "
            "FOR EACH ROW EXECUTE FUNCTION login_event_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER login_event_no_{verb.lower()} BEFORE {verb} ON login_event "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER login_event_append_only ON login_event")
        op.execute("DROP FUNCTION login_event_append_only()")
    op.drop_index("ix_login_event_name_hash", table_name="login_event")
    op.drop_index("ix_login_event_user_at", table_name="login_event")
    op.drop_index("ix_login_event_at", table_name="login_event")
    op.drop_table("login_event")
