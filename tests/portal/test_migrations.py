"""Migrations must build exactly the schema the models describe, on both databases."""

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from portal import MIGRATIONS_DIR, create_app
from portal.extensions import db
from portal.models import Base, Instrument
from portal.services import feedback, rollups
from tests import factories


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
        db.session.remove()
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


def test_migrated_databases_keep_the_audit_log_append_only(migrated_app):
    # The same rule as create_all installs (portal.models.audit, tests/portal/test_audit.py).
    upgrade(directory=MIGRATIONS_DIR)
    with db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO audit_event (at, actor, action, target_type, target_label)"
                " VALUES (CURRENT_TIMESTAMP, 'admin', 'unit.create', 'unit', 'A')"
            )
        )
    for statement in ("UPDATE audit_event SET actor = 'x'", "DELETE FROM audit_event"):
        with (
            pytest.raises(sa.exc.DatabaseError, match="append-only"),
            db.engine.begin() as conn,
        ):
            conn.execute(sa.text(statement))
    downgrade(directory=MIGRATIONS_DIR, revision="0007")  # and the triggers go with it


def test_migrated_databases_keep_the_login_log_append_only(migrated_app):
    upgrade(directory=MIGRATIONS_DIR)
    with db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO login_event (at, name_hash, outcome, client_hash)"
                " VALUES (CURRENT_TIMESTAMP, 'h', 'unknown_account', 'c')"
            )
        )
    for statement in ("UPDATE login_event SET outcome = 'success'", "DELETE FROM login_event"):
        with (
            pytest.raises(sa.exc.DatabaseError, match="login_event is append-only"),
            db.engine.begin() as conn,
        ):
            conn.execute(sa.text(statement))
    downgrade(directory=MIGRATIONS_DIR, revision="0014")  # and the triggers go with it


def test_migrated_databases_count_each_response_once_and_recount_to_the_same(migrated_app):
    upgrade(directory=MIGRATIONS_DIR)
    counter = factories.counter()
    db.session.commit()
    target = feedback.target_for(db.session, counter.unit, counter=counter)
    for answers in ({"U1": 4, "U2": 3}, {"U1": 1}, {"U9": 2}):
        factories.respond(target, answers)
    stored = {g: rollups.bucket_statistics(db.session, g) for g in rollups.GRAINS}
    assert all(sum(b["respondents"] for b in stored[g].values()) == 3 for g in stored)
    rollups.rebuild(db.session)
    db.session.commit()
    assert stored == {g: rollups.bucket_statistics(db.session, g) for g in rollups.GRAINS}


def test_the_migrations_install_the_default_questionnaire(migrated_app):
    upgrade(directory=MIGRATIONS_DIR)
    [row] = db.session.scalars(sa.select(Instrument)).all()
    assert (row.code, row.version) == ("skm-2017", 1)
    assert len(row.definition["items"]) == 9


def test_migration_0004_dates_old_responses_by_their_local_arrival_day(migrated_app):
    upgrade(directory=MIGRATIONS_DIR, revision="0003")
    with db.engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO instrument (code, version, definition) VALUES ('x', 1, '{}');")
        )
        conn.execute(
            sa.text(
                "INSERT INTO unit (id, name, kind, timezone, created_at)"
                " VALUES (1, 'Jayapura', 'unit', 'Asia/Jayapura', CURRENT_TIMESTAMP)"
            )
        )
        # 15:30 UTC on 30 June is 00:30 WIT on 1 July.
        conn.execute(
            sa.text(
                "INSERT INTO response (id, submitted_at, unit_id, attribution, instrument_id,"
                " language, flags, u1) VALUES (:id, '2026-06-30 15:30:00', 1, 'none',"
                " (SELECT id FROM instrument), 'id', 0, 4)"
            ),
            {"id": uuid.uuid4().hex if db.engine.dialect.name == "sqlite" else str(uuid.uuid4())},
        )
    upgrade(directory=MIGRATIONS_DIR)
    with db.engine.connect() as conn:
        day = conn.scalar(sa.text("SELECT service_date FROM response"))
        assert str(day) == "2026-07-01"
        if db.engine.dialect.name == "postgresql":
            triggers = conn.scalar(
                sa.text("SELECT count(*) FROM pg_trigger WHERE tgname = 'response_rollups'")
            )
            assert triggers == 0
