"""Fixtures: an app per test on a fresh database, a client, a CLI runner, form helpers.

Every database test runs on SQLite and, when ``TEST_DATABASE_URL`` points at a
PostgreSQL server (CI sets it), once more on PostgreSQL:

- ``app`` (most tests): SQLite in memory, fresh per test; on PostgreSQL one schema built
  once per session, each test inside one connection-level transaction that is rolled
  back at its end, the app's sessions joining it through savepoints (its commits
  release a savepoint, its rollbacks return to one);
- ``live_app``: a database whose commits are real and seen by other connections (a
  SQLite file; a PostgreSQL schema of the test's own), for tests of concurrency.
"""

from __future__ import annotations

import os
import re
import threading
import uuid

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool
from werkzeug.serving import make_server

from portal import create_app, database
from portal.extensions import db as _db
from portal.models import Base, access
from portal.services import instruments
from surveys.integrity import Flag, Rules
from tests.tcp_proxy import TcpProxy

# A hash per test user and per login at production strength was half of make test-fast.
access.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
SECRET = "test-secret-key-not-for-production"
CLIENT_HASH_SECRET = "test-client-hash-secret-not-for-production"
# Every app a test makes (and every server it starts) keys client hashes with this, so
# none writes a generated one into the repository's instance folder.
os.environ.setdefault("CLIENT_HASH_SECRET", CLIENT_HASH_SECRET)

DATABASES = [pytest.param("sqlite", id="sqlite")]
DATABASES.append(
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(
                not TEST_DATABASE_URL,
                reason="TEST_DATABASE_URL is not set: PostgreSQL run skipped",
            ),
        ],
    )
)


def _install_schema(engine) -> None:
    """Create the models' tables and what migration 0004 installs (the questionnaire)."""
    Base.metadata.create_all(engine)
    with sa.orm.Session(engine) as session:
        instruments.install(session)
        session.commit()


_TEMPLATE = None


def _install_sqlite(engine) -> None:
    """Give a fresh SQLite database the schema by copying a template built once per
    process (SQLite's backup API): building ~30 tables, their indexes and triggers for
    every test was most of the suite's setup time."""
    global _TEMPLATE
    if _TEMPLATE is None:
        template = sa.create_engine(
            "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
        _install_schema(template)
        _TEMPLATE = template.raw_connection().driver_connection
    raw = engine.raw_connection()
    try:
        _TEMPLATE.backup(raw.driver_connection)
    finally:
        raw.close()


def _search_path(schema: str) -> dict:
    return {"connect_args": {"options": f"-csearch_path={schema}"}}


@pytest.fixture
def postgres_schema():
    """Yield the name of a new, empty PostgreSQL schema, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(TEST_DATABASE_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def shared_postgres():
    """Return an engine on a PostgreSQL schema holding the models' tables, built once."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(TEST_DATABASE_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = sa.create_engine(TEST_DATABASE_URL, **_search_path(schema))
    _install_schema(engine)
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request):
    """Yield a database URL and engine options for one fresh, empty database."""
    if request.param == "sqlite":
        # One shared in-memory connection: fresh per test, visible to every session.
        yield "sqlite://", {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        return
    yield TEST_DATABASE_URL, _search_path(request.getfixturevalue("postgres_schema"))


@pytest.fixture
def proxied_postgres(monkeypatch, tmp_path):
    """Yield (app, proxy): an app on its own PostgreSQL schema, reached through a proxy."""
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL run skipped")
    monkeypatch.setenv("SECRET_KEY", SECRET)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(TEST_DATABASE_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(TEST_DATABASE_URL)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = make_app(proxied, {"connect_args": {"options": f"-csearch_path={schema}"}})
    try:
        with app.app_context():
            _install_schema(_db.engine)
            yield app, proxy
            database.reset(_db.session)
            _db.session.remove()
            _db.engine.dispose()
    finally:
        proxy.stop()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def served_postgres(proxied_postgres):
    """Yield (app, proxy, base URL): ``proxied_postgres`` served on loopback."""
    app, proxy = proxied_postgres
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, proxy, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


class RequestIsolatedClient(FlaskClient):
    """Give every request its own application context, as a real server does.

    The fixtures keep an app context open for the test's own database work; without
    this, each request would reuse it and share ``g`` (the cached locale, the logged-in
    user) and the database session with the test and with earlier requests.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(url: str, engine_options: dict, **overrides):
    settings = {
        "TESTING": True,
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": url,
        # Merged over production's timeouts by portal.config.derive.
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "PUBLIC_BASE_URL": "http://survey.test",
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Like the limits, the integrity rules are off unless a test is about them: most
        # tests answer a survey the instant it opens, many times from one client.
        "INTEGRITY_RULES": Rules(enabled=Flag(0)),
        # Tests change the directory and look at once; tests/portal/test_directory.py
        # covers the refresh interval production uses.
        "DIRECTORY_REFRESH_MS": 0,
        **overrides,
    }
    app = create_app(settings)
    app.test_client_class = RequestIsolatedClient
    return app


@pytest.fixture
def app_config():
    """Override to change settings for the tests of one module."""
    return {}


# The app's sessions join the test's transaction: a commit releases a savepoint.
_db.session.session_factory.configure(join_transaction_mode="create_savepoint")


@pytest.fixture(params=DATABASES)
def app(request, app_config, monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", SECRET)
    if request.param == "sqlite":
        url, options = (
            "sqlite://",
            {
                "poolclass": StaticPool,
                "connect_args": {"check_same_thread": False},
            },
        )
    else:
        url, options = TEST_DATABASE_URL, {}
    application = make_app(url, options, **app_config)
    application.instance_path = str(tmp_path / "instance")
    with application.app_context():
        if request.param == "sqlite":
            _install_sqlite(_db.engine)
            yield application
            _db.session.remove()
            _db.engine.dispose()
            return
        # Every session of this app uses one connection of the shared schema, inside a
        # transaction that the end of the test rolls back. Flask-SQLAlchemy has no public
        # way to hand it a connection, so the app's default engine is swapped for it.
        connection = request.getfixturevalue("shared_postgres").connect()
        outer = connection.begin()
        engines = _db._app_engines[application]
        own, engines[None] = engines[None], connection
        try:
            yield application
        finally:
            _db.session.remove()
            outer.rollback()
            connection.close()
            engines[None] = own
            own.dispose()


@pytest.fixture(params=DATABASES)
def live_app(request, app_config, monkeypatch, tmp_path):
    """Yield an app whose database commits for real: a SQLite file, or a schema of its own."""
    monkeypatch.setenv("SECRET_KEY", SECRET)
    if request.param == "sqlite":
        url, options = f"sqlite:///{tmp_path / 'live.sqlite3'}", {}
    else:
        url = TEST_DATABASE_URL
        options = _search_path(request.getfixturevalue("postgres_schema"))
    application = make_app(url, options, **app_config)
    application.instance_path = str(tmp_path / "instance")
    application.database_path = tmp_path / "live.sqlite3" if request.param == "sqlite" else None
    with application.app_context():
        if request.param == "sqlite":
            _install_sqlite(_db.engine)
        else:
            _install_schema(_db.engine)
        yield application
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def session(app):
    return _db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|submission_id|opened)"[^>]*value="([^"]*)"')
_HIDDEN_REV = re.compile(r'<input[^>]*value="([^"]*)"[^>]*name="(csrf_token|submission_id|opened)"')


def hidden_fields(html: str) -> dict[str, str]:
    """Return the hidden fields a rendered survey or login form carries (csrf_token, and
    for a survey submission_id and the signed opening record)."""
    found = {name: value for name, value in _HIDDEN.findall(html)}
    found.update({name: value for value, name in _HIDDEN_REV.findall(html)})
    return found


ALL_FOURS = {f"U{n}": "4" for n in range(1, 10)}


class SurveyClient:
    """Drives the survey as a browser would: GET the form, then POST it with its hidden fields."""

    def __init__(self, client):
        self.client = client

    def open(self, url: str):
        return self.client.get(url)

    def submit(self, url: str, answers: dict | None = None, **extra):
        page = self.client.get(url)
        assert page.status_code == 200, page.status_code
        data = {
            **hidden_fields(page.get_data(as_text=True)),
            **(answers if answers is not None else ALL_FOURS),
            **extra,
        }
        return self.client.post(url, data=data)


@pytest.fixture
def citizen(client):
    return SurveyClient(client)


def login(client, username: str, password: str):
    page = client.get("/masuk")
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    return client.post(
        "/masuk", data={"username": username, "password": password, "csrf_token": token}
    )
