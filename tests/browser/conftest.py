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


@pytest.fixture
def live_portal(tmp_path, monkeypatch):
    """Yield (app, base_url) for a migrated portal with demo data, served on loopback."""
    from flask_migrate import upgrade

    monkeypatch.setenv("SECRET_KEY", "browser-test-secret")
    server_app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'browser.sqlite3'}",
            "RATELIMIT_ENABLED": False,
        }
    )
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    server_app.config["PUBLIC_BASE_URL"] = base_url
    with server_app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
    result = server_app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
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


@pytest.fixture
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE, locale="id-ID")
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path
