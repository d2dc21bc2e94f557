"""The production server configuration: gunicorn serves the app, and logs no addresses."""

import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_access_log_never_records_a_client_address():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert "%(h)s" not in settings["access_log_format"]
    assert "%({x-forwarded-for}i)s" not in settings["access_log_format"].lower()
    assert "%(f)s" not in settings["access_log_format"]  # the referrer can carry a token


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_the_portal_with_the_production_settings(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "PORTAL_ENV": "production",
        "SECRET_KEY": "gunicorn-test-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    body = r.read()
                    break
            except OSError:
                time.sleep(0.1)
        assert body == b'{"status":"ok"}\n'
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
            assert r.status == 200
            assert "Strict-Transport-Security" in r.headers
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0].decode()
    assert "GET /healthz" in output  # the access log is on...
    assert "127.0.0.1 " not in output.split("Listening at")[-1]  # ...without addresses
