"""The administrator's set-up pages, in a real browser, on a desktop and a phone.

An administrator adds a unit and a counter, imports employees from a spreadsheet (a dry
run listing the bad lines, then the import), rosters a week, downloads the posters,
creates a user and reads it all back in the audit log. Screenshots land in
tests/artifacts/; the main pages pass axe-core.
"""

from __future__ import annotations

import pytest

from portal.services.demo import DEMO_PASSWORD
from tests.browser import accessibility
from tests.browser.conftest import PHONE, screenshot


@pytest.fixture
def admin_page(browser, live_portal):
    _, base_url = live_portal
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="id-ID",
        accept_downloads=True,
        bypass_csp=True,
    )
    page = context.new_page()
    page.goto(base_url + "/masuk")
    page.fill("#username", "admin")
    page.fill("#password", DEMO_PASSWORD)
    page.click("button.submit")
    page.wait_for_url("**/admin/")
    try:
        yield page, base_url
    finally:
        context.close()


def test_an_admin_sets_up_a_unit_imports_staff_rosters_and_prints(admin_page, tmp_path):
    page, base_url = admin_page
    page.goto(base_url + "/admin/unit")
    page.click("text=Tambah unit")
    page.fill("#name", "Pelayanan Perizinan")
    page.select_option("#kind", "unit")
    page.select_option("#parent", label="Pemerintah Kabupaten Lampung Selatan")
    page.fill("#service_hours", "Sen-Jum 08:00-15:00")
    page.click("form.stacked-form button[type=submit]")
    assert page.locator(".flash").inner_text().startswith("Unit Pelayanan Perizinan dibuat")
    page.fill("#new-counter", "Loket Perizinan 1")
    page.click("text=Tambah loket")
    assert page.locator("input[name=name][value='Loket Perizinan 1']").count() == 1
    screenshot(page, "admin-unit-1280.png")
    assert accessibility.violations(page) == []

    # A spreadsheet with one bad line: the dry run lists it and imports nothing.
    sheet = tmp_path / "pegawai.csv"
    sheet.write_text(
        "NIP;Nama;Jabatan;Unit Kerja\n"
        "199001012015031002;Budi Hartono;Verifikator;Pelayanan Perizinan\n"
        "12345;Salah NIP;;Pelayanan Perizinan\n",
        encoding="utf-8",
    )
    page.goto(base_url + "/admin/pegawai/impor")
    page.set_input_files("#file", str(sheet))
    page.click("text=Periksa berkas")
    assert "1 pegawai baru" in page.locator("main").inner_text()
    assert "NIP tidak sah" in page.locator("table").inner_text()
    screenshot(page, "admin-import-dry-run-1280.png")
    page.check("input[name=confirm]")
    page.click("text=Impor sekarang")
    assert "Impor selesai: 1 pegawai baru" in page.locator(".flash").inner_text()

    # A week's roster: a shift for the new employee at the new counter.
    page.goto(base_url + "/admin/unit")
    page.click("text=Pelayanan Perizinan")
    page.click("text=Jadwal petugas")
    page.select_option("#shift-employee", label="Budi Hartono")
    page.click("text=Simpan jadwal")
    assert page.locator(".flash").inner_text() == "Jadwal disimpan."
    assert "Budi Hartono" in page.locator("table.roster").inner_text()
    screenshot(page, "admin-roster-week-1280.png")

    # The unit's posters, one PDF.
    page.goto(base_url + "/admin/unit")
    page.click("text=Pelayanan Perizinan")
    with page.expect_download() as info:
        page.click("text=A4 (PDF)")
    assert info.value.suggested_filename == "poster-pelayanan-perizinan-semua-loket-a4.pdf"

    # A unit head's account, then the audit log tells all of it.
    page.goto(base_url + "/admin/pengguna/baru")
    page.fill("#username", "kepala.perizinan")
    page.select_option("#role", "unit_head")
    page.select_option("#unit", label="Pelayanan Perizinan")
    page.click("text=Buat akun")
    assert page.locator("code.secret").is_visible()
    page.goto(base_url + "/admin/audit")
    log = page.locator("table").inner_text()
    for action in (
        "unit.create",
        "counter.create",
        "employee.import",
        "roster.add_shift",
        "counter.print_poster",
        "user.create",
    ):
        assert action in log, action
    screenshot(page, "admin-audit-1280.png")
    assert accessibility.violations(page) == []


def test_the_admin_pages_work_on_a_phone(browser, live_portal):
    _, base_url = live_portal
    context = browser.new_context(**PHONE, locale="id-ID", bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(base_url + "/masuk")
        page.fill("#username", "admin")
        page.fill("#password", DEMO_PASSWORD)
        page.click("button.submit")
        page.wait_for_url("**/admin/")
        for path, name in (
            ("/admin/", "admin-counters"),
            ("/admin/pegawai", "admin-employees"),
            ("/admin/unit/2", "admin-unit"),
        ):
            page.goto(base_url + path)
            assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
            screenshot(page, f"{name}-360x740.png")
        assert accessibility.violations(page) == []
    finally:
        context.close()
