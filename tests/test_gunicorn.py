"""The production server configuration: gunicorn serves the app, and logs no addresses."""

import runpy
import signal
import urllib.request

import pytest

from tests.servers import ROOT, free_port, start_gunicorn

pytestmark = pytest.mark.slow  # subprocesses: left out of make test-fast


def test_the_access_log_never_records_a_client_address():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert "%(h)s" not in settings["access_log_format"]
    assert "%({x-forwarded-for}i)s" not in settings["access_log_format"].lower()
    assert "%(f)s" not in settings["access_log_format"]  # the referrer can carry a token


@pytest.mark.parametrize(
    ("environment", "threads"),
    [
        ({}, 1),
        ({"DATABASE_URL": "sqlite:////var/lib/suara/portal.sqlite3"}, 1),
        ({"DATABASE_URL": "postgresql+psycopg:///suara_layanan"}, 1),
        ({"DATABASE_URL": "postgresql+psycopg:///suara_layanan", "GUNICORN_THREADS": "8"}, 8),
    ],
)
def test_workers_run_one_request_at_a_time_unless_told_otherwise(monkeypatch, environment, threads):
    for name in ("DATABASE_URL", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["threads"] == threads


def test_gunicorn_serves_the_portal_with_the_production_settings(tmp_path):
    port = free_port()
    env = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": "gunicorn-test-secret",
        "CLIENT_HASH_SECRET": "gunicorn-test-client-hash-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite3'}",
        "WEB_CONCURRENCY": "2",
    }
    server = start_gunicorn(port, env, capture=True)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
            assert r.read() == b'{"status":"ok"}\n'
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
            assert r.status == 200
            assert "Strict-Transport-Security" in r.headers
    finally:
        server.send_signal(signal.SIGINT)  # quick shutdown (tests/servers.py)
        output = server.communicate(timeout=10)[0].decode()
    assert "GET /healthz" in output  # the access log is on...
    assert "127.0.0.1 " not in output.split("Listening at")[-1]  # ...without addresses
