"""In Chromium: a citizen's answers survive a locked SQLite and a stopped PostgreSQL.

survey.js keeps the answers on the phone from the moment "Kirim" is pressed; the
server's 503 (with Retry-After) tells it when to send them again. The retry timer runs
on Playwright's fake clock.
"""

import re
import sqlite3

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Response
from tests import factories
from tests.browser.conftest import printed_survey_url, screenshot

ANSWERS = {"U1": 4, "U2": 3, "U3": 2, "U6": 4, "U7": 4}


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
        reduced_motion="reduce",
    )
    page = context.new_page()
    page.clock.install()
    try:
        yield page
    finally:
        context.close()


def _answer_and_send(phone):
    for code, value in ANSWERS.items():
        phone.locator(f"input[name='{code}'][value='{value}']").check()
    phone.locator("textarea").fill("Antrean panjang.")
    phone.locator("button.submit").click()


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


def test_answers_wait_on_the_phone_while_sqlite_is_locked(live_portal, phone):
    app, _ = live_portal
    before = _count(app)
    phone.goto(printed_survey_url(app, "Loket 3 — Akta"))
    blocker = sqlite3.connect(app.database_path, timeout=5)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds SQLite's one write lock
    try:
        _answer_and_send(phone)
        phone.wait_for_function(
            "() => document.querySelector('[data-notice]').textContent.includes('15 detik')"
        )
        assert "tersimpan di perangkat ini" in phone.locator("[data-notice]").inner_text()
        screenshot(phone, "survey-database-busy-360x740.png")
        pending = phone.evaluate("() => Object.keys(localStorage).length")
        assert pending == 1 and _count(app) == before
    finally:
        blocker.rollback()
        blocker.close()
    phone.clock.run_for(15_000)
    phone.wait_for_url(re.compile("terima-kasih"), timeout=15000)
    assert _count(app) == before + 1
    assert phone.evaluate("() => Object.keys(localStorage).length") == 0


def test_answers_wait_on_the_phone_while_postgresql_is_stopped(served_postgres, phone):
    app, proxy, base_url = served_postgres
    counter = factories.counter(factories.unit("Pelayanan KTP-el"), "Loket 1 — KTP-el")
    db.session.commit()
    phone.goto(base_url + factories.survey_path(counter))

    proxy.stop()  # PostgreSQL is gone
    _answer_and_send(phone)
    phone.wait_for_function(
        "() => document.querySelector('[data-notice]').textContent.includes('15 detik')"
    )
    phone.clock.run_for(15_000)  # still down: the retry fails too, and is kept
    phone.wait_for_function("() => document.querySelector('button.submit').disabled === false")
    assert phone.evaluate("() => Object.keys(localStorage).length") == 1

    proxy.start()
    phone.clock.run_for(15_000)
    phone.wait_for_url(re.compile("terima-kasih"), timeout=15000)
    with app.app_context():
        [response] = db.session.scalars(select(Response)).all()
        assert response.comment == "Antrean panjang." and response.u3 == 2
