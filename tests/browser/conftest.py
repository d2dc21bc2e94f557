"""A live portal on loopback and a phone-sized Chromium driven by Playwright.

Debian's chromium is used as installed (never ``playwright install``). Without it the
browser tests are skipped with a reason, unless ``REQUIRE_BROWSER=1`` (CI) makes a
missing browser a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal import MIGRATIONS_DIR, create_app
from portal.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}: browser tests skipped (apt-get install chromium)")
    return CHROMIUM


class RequestLog:
    """WSGI middleware that records every request the server receives, and its size.

    Counting on the server sees what the browser really asked for, including the
    requests a browser makes on its own (``/favicon.ico``).
    """

    def __init__(self, app):
        self.app = app
        self.entries: list[tuple[str, int]] = []

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        record = [0]

        def counting_start_response(status, headers, exc_info=None):
            record[0] += len(status) + sum(len(k) + len(v) + 4 for k, v in headers)
            return start_response(status, headers, exc_info)

        body = self.app(environ, counting_start_response)
        try:
            for chunk in body:
                record[0] += len(chunk)
                yield chunk
        finally:
            if hasattr(body, "close"):
                body.close()  # WSGI: the server must close what the app returned
            self.entries.append((path, record[0]))

    def clear(self) -> None:
        self.entries.clear()


SECRET = "browser-test-secret"


def _portal(database: Path):
    return create_app(
        {
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "RATELIMIT_ENABLED": False,
            # A locked database answers a submission within a third of a second.
            "DATABASE_LOCK_TIMEOUT_MS": 300,
        }
    )


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Path:
    """Build a migrated database with the demo data once; each test gets a copy."""
    from flask_migrate import upgrade

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    app = _portal(path)
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()  # checkpoints the WAL into the file before it is copied
    return path


@pytest.fixture
def live_portal(demo_database, tmp_path, monkeypatch):
    """Yield (app, base_url) for a portal with the demo data, served on loopback."""
    monkeypatch.setenv("SECRET_KEY", SECRET)
    database = tmp_path / "portal.sqlite3"
    shutil.copyfile(demo_database, database)
    server_app = _portal(database)
    server_app.database_path = database
    server_app.request_log = RequestLog(server_app.wsgi_app)
    server_app.wsgi_app = server_app.request_log
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    server_app.config["PUBLIC_BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_app, base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        with server_app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One Chromium for the whole session; each test gets contexts of its own."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def phone(browser):
    # Reduced motion: the script then scrolls to the next question at once instead of
    # smoothly, and Playwright need not wait for each scroll to settle before a tap.
    context = browser.new_context(**PHONE, locale="id-ID", bypass_csp=True, reduced_motion="reduce")
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def printed_survey_url(app, counter_name: str) -> str:
    """Return the survey URL that ``make run`` prints (and the QR code holds) for a counter."""
    import re

    output = app.test_cli_runner().invoke(args=["demo-info"]).output
    match = re.search(rf"^survey: (\S+)  .+ / {re.escape(counter_name)}$", output, re.M)
    assert match, output
    return match.group(1)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path
