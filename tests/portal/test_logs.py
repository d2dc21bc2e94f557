"""No client address in any log line: the development server's request log included."""

import logging
import os
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from werkzeug.serving import make_server

from portal import logs
from tests.servers import ROOT, free_port


def test_the_development_servers_request_line_loses_its_address(app, caplog):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            url = f"http://127.0.0.1:{server.server_port}/healthz"
            urllib.request.urlopen(url, timeout=5).close()
            deadline = time.monotonic() + 5
            while "GET /healthz" not in caplog.text and time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        server.shutdown()
        server.server_close()
    [line] = [r.getMessage() for r in caplog.records if "GET /healthz" in r.getMessage()]
    assert line.startswith("- - - [") and '"GET /healthz HTTP/1.1" 200' in line
    assert "127.0.0.1" not in caplog.text


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "203.0.113.9", "2001:db8::1", "fe80::1%eth0", "<local>"]
)
def test_any_address_is_masked(address):
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        f'{address} - - [01/Feb/2026 10:00:00] "%s" %s -',
        ("GET /s/abc HTTP/1.1", 200),
        None,
    )
    logs.HideClientAddress().filter(record)
    assert record.getMessage() == '- - - [01/Feb/2026 10:00:00] "GET /s/abc HTTP/1.1" 200 -'


def test_other_werkzeug_lines_are_left_alone():
    record = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, " * Running on http://127.0.0.1:5000", (), None
    )
    logs.HideClientAddress().filter(record)
    assert record.getMessage() == " * Running on http://127.0.0.1:5000"


@pytest.mark.slow
def test_flask_run_as_make_run_starts_it_logs_no_address(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "SECRET_KEY": "flask-run-test",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", str(port)]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0].decode()
    assert '"GET /healthz HTTP/1.1" 200' in output, output
    requests = [line for line in output.splitlines() if "GET /healthz" in line]
    assert requests and all(" - - - [" in line for line in requests), output
    assert "127.0.0.1 - -" not in output


def test_a_failed_insert_logs_no_answer_comment_or_hash(citizen, session, caplog, monkeypatch):
    """A response's values never reach the error log through an SQL error's text."""
    from portal.services import feedback, rollups
    from tests import factories

    counter = factories.counter()
    session.commit()
    sent = {}
    original = rollups.store

    def broken_store(session, row):
        sent.update(row)
        return original(session, {**row, "instrument_id": None})  # NOT NULL: the insert fails

    monkeypatch.setattr(feedback.rollups, "store", broken_store)
    comment = "Petugas loket 3 sangat lambat, nomor saya 0812-9999-1234"
    with caplog.at_level(logging.ERROR):
        result = citizen.submit(
            factories.survey_path(counter), comment=comment, age="47", sex="P", U1="1", U9="3"
        )
    assert result.status_code == 500
    assert sent["comment"] == comment and sent["client_hash"]
    logged = caplog.text
    assert "IntegrityError" in logged, logged
    assert "instrument_id" in logged and "broken_store" in logged  # what and where
    for value in (comment, "0812-9999-1234", sent["client_hash"], str(sent["id"]), "47"):
        assert value not in logged
