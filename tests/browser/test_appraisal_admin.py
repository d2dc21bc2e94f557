"""An administrator sets up the appraisal module on a phone: a key, shown once, that the
API accepts; the periods page; both without accessibility violations."""

import re
import urllib.request

from tests.browser import accessibility
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_staff_pages import _login


def test_an_admin_creates_an_api_key_on_a_phone_and_the_api_takes_it(live_portal, phone):
    _, base_url = live_portal
    _login(phone, base_url, "admin")
    phone.wait_for_url(base_url + "/admin/")
    phone.click("text=Klien API penilaian kinerja")
    phone.fill("#client-name", "e-Kinerja BKPSDM")
    phone.click(".stacked-form button")
    key = phone.locator("code.secret").inner_text().strip()
    assert re.fullmatch(r"sl_[A-Za-z0-9_-]{43}", key)
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "api-key-360x740.png"), full_page=True)
    # The page itself never scrolls sideways; the table does, inside its box.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert accessibility.violations(phone) == []

    request = urllib.request.Request(
        base_url + "/api/v1/periods", headers={"Authorization": f"Bearer {key}"}
    )
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 200 and b'"items"' in answer.read()

    phone.goto(base_url + "/admin/api-klien")
    assert phone.locator("text=e-Kinerja BKPSDM").count() == 1
    assert phone.locator("code.secret").count() == 0  # shown once, never again
    phone.click("text=Periode dan snapshot")
    assert phone.locator("td", has_text="Dapat ditutup mulai").count() > 0
    assert accessibility.violations(phone) == []


def test_the_published_results_read_well_on_a_phone_with_no_axe_violations(live_portal, phone):
    _, base_url = live_portal
    phone.goto(base_url + "/hasil/1")
    assert phone.locator("h1").inner_text() == "Hasil Survei Kepuasan Masyarakat"
    assert phone.locator(".summary .big").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "public-results-360x740.png"), full_page=True)
    assert accessibility.violations(phone) == []
