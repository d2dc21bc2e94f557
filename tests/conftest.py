"""Fixtures: an app per test on a fresh database, a client, a CLI runner, form helpers.

Every database test runs on SQLite and, when ``TEST_DATABASE_URL`` points at a
PostgreSQL server (CI sets it), once more on PostgreSQL in a schema of its own.
"""

from __future__ import annotations

import os
import re
import uuid

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.pool import StaticPool

from portal import create_app
from portal.extensions import db as _db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
SECRET = "test-secret-key-not-for-production"

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


@pytest.fixture(params=DATABASES)
def database_url(request):
    """Yield a database URL and engine options for one fresh, empty database."""
    if request.param == "sqlite":
        # One shared in-memory connection: fresh per test, visible to every session.
        yield "sqlite://", {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(TEST_DATABASE_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield TEST_DATABASE_URL, {"connect_args": {"options": f"-csearch_path={schema}"}}
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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
    config = {
        "TESTING": True,
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "PUBLIC_BASE_URL": "http://survey.test",
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Tests change the directory and look at once; tests/portal/test_directory.py
        # covers the refresh interval production uses.
        "DIRECTORY_REFRESH_MS": 0,
        **overrides,
    }
    app = create_app(config)
    app.test_client_class = RequestIsolatedClient
    return app


@pytest.fixture
def app_config():
    """Override to change settings for the tests of one module."""
    return {}


@pytest.fixture
def app(database_url, app_config, monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", SECRET)
    url, engine_options = database_url
    application = make_app(url, engine_options, **app_config)
    application.instance_path = str(tmp_path / "instance")
    with application.app_context():
        _db.create_all()
        yield application
        _db.session.remove()
        _db.drop_all()
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


_HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|submission_id)"[^>]*value="([^"]*)"')
_HIDDEN_REV = re.compile(r'<input[^>]*value="([^"]*)"[^>]*name="(csrf_token|submission_id)"')


def hidden_fields(html: str) -> dict[str, str]:
    """Return the hidden csrf_token and submission_id a rendered form carries."""
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
