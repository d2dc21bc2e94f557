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
