"""The staff pages pass the same accessibility check as the citizen's."""

import pytest

from portal.services.demo import DEMO_PASSWORD
from tests.browser import accessibility


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def _login(page, base_url, username):
    page.goto(base_url + "/masuk")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button.submit")


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("admin", "/admin/"),
        ("kepala.dukcapil", "/dasbor/"),
        ("kepala.dukcapil", "/dasbor/laporan"),
        ("bupati", "/dasbor/pegawai/1"),
        ("siti.rahmawati", "/dasbor/saya"),
    ],
)
def test_staff_pages_have_no_axe_violations(live_portal, desktop, username, path):
    _, base_url = live_portal
    _login(desktop, base_url, username)
    desktop.wait_for_url("**/{admin,dasbor}/**")
    desktop.goto(base_url + path)
    assert desktop.locator("h1").is_visible()
    assert accessibility.violations(desktop) == []


def test_a_failed_login_has_no_axe_violations(live_portal, desktop):
    _, base_url = live_portal
    desktop.goto(base_url + "/masuk")
    desktop.fill("#username", "admin")
    desktop.fill("#password", "salah")
    desktop.click("button.submit")
    assert desktop.locator(".flash").is_visible()
    assert accessibility.violations(desktop) == []


def test_a_unit_head_reviews_a_flagged_response_on_a_phone(live_portal, browser):
    """The demo's stuffing episode is on the review page with its reasons; clearing one
    moves it to counted, and the page stays usable and accessible at 360 px."""
    import datetime as dt
    from pathlib import Path

    _, base_url = live_portal
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, bypass_csp=True, locale="id-ID"
    )
    phone = context.new_page()
    _login(phone, base_url, "kepala.dukcapil")
    phone.wait_for_url("**/dasbor/**")
    today = dt.date.today()
    week = f"dari={today - dt.timedelta(days=7)}&sampai={today}"
    phone.goto(f"{base_url}/dasbor/integritas?{week}")
    assert phone.locator("h1").inner_text() == "Integritas penilaian"
    flagged = phone.locator("ol.flagged > li")
    assert flagged.count() >= 20
    assert "dijawab terlalu cepat" in flagged.first.inner_text()
    assert accessibility.violations(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    Path("tests/artifacts").mkdir(exist_ok=True)
    phone.screenshot(path="tests/artifacts/unit-head-integrity-phone.png", full_page=False)

    before = flagged.count()
    flagged.first.get_by_role("button", name="Nyatakan sah").click()
    assert "kini dihitung" in phone.locator(".flash").inner_text()
    assert phone.locator("ol.flagged > li").count() == before - 1  # no longer pending
    context.close()
