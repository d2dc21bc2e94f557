"""What unit heads, employees and the public see of the results, in a real browser.

A unit head on a phone switches periods, sorts a table, opens an employee, searches the
comments and downloads the score table (CSV, XLSX) and the SKM report (PDF, whose first
page is rendered with pdftoppm and must not be blank); an employee sees only their own;
the public results page passes axe-core. Screenshots land in tests/artifacts/.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from portal.services.demo import DEMO_PASSWORD, EMPLOYEES
from tests.browser import accessibility
from tests.browser.conftest import ARTIFACTS, PHONE, screenshot


@pytest.fixture
def phone_downloads(browser):
    context = browser.new_context(
        **PHONE, locale="id-ID", accept_downloads=True, reduced_motion="reduce"
    )
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def _login(page, base_url, username):
    page.goto(base_url + "/masuk")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button.submit")


def _numbers_on_one_line(page) -> list[str]:
    """Return the numeric cells whose text wraps onto a second line."""
    return page.evaluate(
        """() => [...document.querySelectorAll('td.num')].filter(td => {
            const range = document.createRange();
            range.selectNodeContents(td);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            return tops.size > 1;
        }).map(td => td.textContent.trim())"""
    )


def _no_sideways_page(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def _quarter(today: dt.date) -> str:
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def test_a_unit_head_reads_sorts_opens_searches_and_downloads_on_a_phone(
    live_portal, phone_downloads, tmp_path
):
    page = phone_downloads
    _, base_url = live_portal
    _login(page, base_url, "kepala.dukcapil")
    page.wait_for_url(base_url + "/dasbor/")
    assert page.locator(".summary .big").is_visible()  # the demo reaches today

    # This triwulan.
    quarter = _quarter(dt.date.today())
    page.select_option("#periode", quarter)
    page.click(".period-form button[type=submit]")
    page.wait_for_url(f"**periode={quarter}**")
    assert page.get_by_text(f"Periode {quarter}:").is_visible()
    assert _numbers_on_one_line(page) == []
    assert _no_sideways_page(page)
    screenshot(page, "unit-head-dashboard-360x740.png")

    # Sort the loket by IKM, highest first.
    loket = page.locator("h2:has-text('Per loket') + .table-scroll table")
    header = loket.locator("th", has_text="IKM")
    header.locator("button").click()
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    values = [
        float(v)
        for v in loket.locator("tbody td:nth-child(3)").evaluate_all(
            "cells => cells.map(c => c.dataset.sort).filter(v => v)"
        )
    ]
    assert values == sorted(values, reverse=True) and len(values) >= 2

    # Open an employee.
    employees = page.locator("h2:has-text('Per pegawai') + .table-scroll table")
    name = employees.locator("tbody a").first.inner_text()
    employees.locator("tbody a").first.click()
    assert page.locator("h1").inner_text() == f"Umpan balik untuk {name}"
    assert _numbers_on_one_line(page) == []
    screenshot(page, "unit-head-employee-360x740.png")

    # Search the comments.
    page.click("nav.subnav >> text=Komentar warga")
    page.fill("#q", "antrean")
    page.click(".filter-form button[type=submit]")
    quotes = page.locator("ol.comments blockquote")
    assert quotes.count() >= 1
    assert all("antrean" in q.lower() for q in quotes.all_inner_texts())
    screenshot(page, "unit-head-comments-360x740.png")

    # Download the score table and the report.
    page.click("nav.subnav >> text=Dasbor")
    for link, suffix, magic in (
        ("text=CSV >> nth=0", "-skor.csv", b"\xef\xbb\xbf"),
        ("text=tabel nilai (XLSX)", "-skor.xlsx", b"PK"),
    ):
        with page.expect_download() as info:
            page.click(link)
        download = info.value
        assert download.suggested_filename.endswith(suffix), download.suggested_filename
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        assert saved.read_bytes().startswith(magic)
    page.click("nav.subnav >> text=Laporan SKM")
    assert page.locator("h1").inner_text() == "Laporan Survei Kepuasan Masyarakat"
    assert _numbers_on_one_line(page) == []
    screenshot(page, "unit-head-report-360x740.png")
    with page.expect_download() as info:
        page.click("text=Unduh PDF")
    download = info.value
    assert download.suggested_filename.endswith("-laporan.pdf")
    pdf = tmp_path / "report.pdf"
    download.save_as(pdf)
    _first_page_is_not_blank(pdf)


def _first_page_is_not_blank(pdf):
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm (poppler-utils) is missing: .ci/run installs it")
    from PIL import Image

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = ARTIFACTS / "unit-head-report-page1"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
        check=True,
    )
    image = Image.open(f"{stem}.png").convert("L")
    dark = sum(image.histogram()[:128])  # pixels darker than mid-grey
    # A4 at 60 dpi is ~496 x 702 px; text, tables and rules darken well over 1% of it.
    assert dark > 0.01 * image.width * image.height, dark


def test_the_report_prints_on_a_desktop(live_portal, browser):
    _, base_url = live_portal
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    try:
        _login(page, base_url, "bupati")
        page.goto(base_url + "/dasbor/laporan")
        assert page.locator("figure svg.chart").count() == 2
        screenshot(page, "leadership-report-1280.png")
        page.emulate_media(media="print")
        assert not page.locator(".site-header").is_visible()  # print.css hides the chrome
        page.goto(base_url + "/dasbor/")
        page.emulate_media(media="screen")
        screenshot(page, "leadership-dashboard-1280.png")
    finally:
        context.close()


def test_an_employee_sees_only_their_own_feedback(live_portal, phone_downloads):
    page = phone_downloads
    app, base_url = live_portal
    _login(page, base_url, "siti.rahmawati")
    page.wait_for_url(base_url + "/dasbor/saya")
    text = page.locator("main").inner_text()
    assert "Umpan balik untuk Siti Rahmawati" in text
    others = [name for key, (name, *_rest) in EMPLOYEES.items() if "Siti" not in name]
    assert others and not [n for n in others if n in text]
    assert _numbers_on_one_line(page) == []
    screenshot(page, "employee-own-360x740.png")
    page.goto(base_url + "/dasbor/laporan")
    assert page.locator("h1").inner_text() == "Halaman tidak ditemukan"
    page.goto(base_url + "/dasbor/komentar")
    assert not [n for n in others if n in page.locator("main").inner_text()]


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_public_results_page_is_accessible(live_portal, browser, language):
    _, base_url = live_portal
    context = browser.new_context(**PHONE, locale=language, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(base_url + "/hasil/1")
        assert page.locator("h1").is_visible()
        assert accessibility.violations(page) == []
        assert _no_sideways_page(page)
        screenshot(page, f"public-results-{language}-360x740.png")
    finally:
        context.close()
