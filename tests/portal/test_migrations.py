"""Migrations must build exactly the schema the models describe, on both databases."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from portal import MIGRATIONS_DIR, create_app
from portal.extensions import db
from portal.models import Base


@pytest.fixture
def migrated_app(database_url, tmp_path, monkeypatch):
    url, options = database_url
    if url.startswith("sqlite"):
        # Alembic and the check need the same database from separate connections.
        url, options = f"sqlite:///{tmp_path / 'migrated.sqlite3'}", {}
    monkeypatch.setenv("SECRET_KEY", "migration-test")
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options}
    )
    with app.app_context():
        yield app
        db.engine.dispose()


def test_migrations_produce_the_models_schema(migrated_app):
    upgrade(directory=MIGRATIONS_DIR)
    with db.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert diff == []


def test_migrations_downgrade_to_nothing_and_up_again(migrated_app):
    upgrade(directory=MIGRATIONS_DIR)
    downgrade(directory=MIGRATIONS_DIR, revision="base")
    tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade(directory=MIGRATIONS_DIR)
    assert "response" in sa.inspect(db.engine).get_table_names()


def test_migrated_databases_change_the_directory_stamp_on_every_directory_write(migrated_app):
    upgrade(directory=MIGRATIONS_DIR)
    with db.engine.begin() as conn:
        stamps = [conn.scalar(sa.text("SELECT stamp FROM directory_stamp"))]
        conn.execute(
            sa.text(
                "INSERT INTO unit (name, kind, timezone, created_at)"
                " VALUES ('A', 'unit', 'Asia/Jakarta', CURRENT_TIMESTAMP)"
            )
        )
        stamps.append(conn.scalar(sa.text("SELECT stamp FROM directory_stamp")))
        conn.execute(sa.text("UPDATE unit SET name = 'B'"))
        stamps.append(conn.scalar(sa.text("SELECT stamp FROM directory_stamp")))
        conn.execute(sa.text("DELETE FROM unit"))
        stamps.append(conn.scalar(sa.text("SELECT stamp FROM directory_stamp")))
    assert len(set(stamps)) == 4
