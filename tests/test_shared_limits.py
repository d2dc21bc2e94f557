"""Two app processes behind one load balancer must enforce one limit, not one each."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from flask_migrate import upgrade

from portal import MIGRATIONS_DIR, create_app
from portal.extensions import db
from tests import factories
from tests.conftest import TEST_REDIS_URL
from tests.servers import free_port, start_gunicorn, stop_gunicorn, wait_until_ready

pytestmark = pytest.mark.slow  # subprocesses: left out of make test-fast

SECRET = "shared-limits-secret"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # report the 303 itself


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> tuple[Path, str]:
    """A migrated SQLite database with one counter, and that counter's survey path."""
    path = tmp_path_factory.mktemp("shared") / "portal.sqlite3"
    app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context(), app.test_request_context():
        upgrade(directory=MIGRATIONS_DIR)
        counter = factories.counter(factories.unit("Pelayanan KTP-el"), "Loket 1")
        db.session.commit()
        survey_path = factories.survey_path(counter)
        db.session.remove()
        db.engine.dispose()
    return path, survey_path


def _start(port: int, database: Path, storage: str, prefix: str):
    return start_gunicorn(
        port,
        {
            "SECRET_KEY": SECRET,
            "DATABASE_URL": f"sqlite:///{database}",
            "RATELIMIT_STORAGE_URI": storage,
            "RATELIMIT_KEY_PREFIX": prefix,
            "SURVEY_DEVICE_LIMIT": "3 per minute",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_ACCESSLOG": "/dev/null",
        },
        wait=False,
    )


def _submissions(ports, path, count) -> list[int]:
    """Submit ``count`` surveys, alternating between the servers; return the statuses."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    statuses = []
    for i in range(count):
        base = f"http://127.0.0.1:{ports[i % len(ports)]}"
        page = opener.open(base + path).read().decode()
        fields = dict(
            re.findall(r'name="(csrf_token|submission_id|opened)"[^>]*value="([^"]*)"', page)
        )
        fields.update({f"U{n}": "4" for n in range(1, 10)})
        try:
            with opener.open(base + path, urllib.parse.urlencode(fields).encode()) as r:
                statuses.append(r.status)
        except urllib.error.HTTPError as answer:
            statuses.append(answer.code)
    return statuses


@pytest.mark.parametrize(
    ("storage", "expected"),
    [
        pytest.param(
            "redis", [303, 303, 303, 429, 429], id="redis: one limit across both processes"
        ),
        pytest.param("memory", [303, 303, 303, 303, 303], id="memory: each process counts alone"),
    ],
)
def test_two_processes_share_the_submission_limit_through_redis(demo_db, storage, expected):
    if storage == "redis" and not TEST_REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set: shared-limit test skipped")
    database, path = demo_db
    uri = TEST_REDIS_URL if storage == "redis" else "memory://"
    prefix = f"test-{uuid.uuid4().hex}"
    ports = [free_port(), free_port()]
    servers = [_start(port, database, uri, prefix) for port in ports]  # side by side
    try:
        for server, port in zip(servers, ports, strict=True):
            wait_until_ready(server, port)
        assert _submissions(ports, path, 5) == expected
    finally:
        for server in servers:
            stop_gunicorn(server)
