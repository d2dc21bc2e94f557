"""A citizen answers a printed survey link on a phone-sized screen, by tapping."""

import re

from sqlalchemy import select

from portal.extensions import db
from portal.models import Attribution, Response
from tests.browser.conftest import PHONE, printed_survey_url, screenshot

ANSWERS = {"U1": 4, "U2": 3, "U3": 3, "U4": 4, "U5": 4, "U6": 4, "U7": 4, "U8": 2, "U9": 3}


def test_a_citizen_answers_the_survey_by_tapping_and_is_thanked(live_portal, phone):
    app, base_url = live_portal
    url = printed_survey_url(app, "Loket UGD 24 Jam")
    assert url.startswith(base_url + "/s/")

    phone.goto(url)
    assert phone.locator("h1").inner_text() == "Loket UGD 24 Jam"
    serving = phone.locator(".serving strong").inner_text()
    assert serving  # the 24-hour counter always has someone on duty
    assert phone.locator("fieldset.question").count() == 9
    screenshot(phone, "survey-phone-360x740.png")

    progress = phone.locator("[data-progress-text]")
    assert progress.inner_text() == "0 dari 9 pertanyaan terjawab"
    for number, (code, value) in enumerate(ANSWERS.items(), start=1):
        choice = phone.locator(f"label:has(input[name='{code}'][value='{value}'])")
        choice.scroll_into_view_if_needed()
        box = choice.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 300, (code, box)
        choice.tap()
        assert phone.locator(f"input[name='{code}'][value='{value}']").is_checked()
        assert progress.inner_text() == f"{number} dari 9 pertanyaan terjawab"
        if number < 9:
            # After a tap the next question is brought up to the top of the screen.
            phone.wait_for_function(
                "(id) => Math.abs(document.getElementById(id).getBoundingClientRect().top) < 120",
                arg=f"field-U{number + 1}",
                timeout=3000,
            )

    phone.locator("button.submit").tap()
    phone.wait_for_url(re.compile(r"/terima-kasih\?kode="))
    assert "Terima kasih!" in phone.locator("h1").inner_text()
    receipt = phone.locator(".receipt strong").inner_text()
    assert re.fullmatch(r"[0-9A-F]{4}-[0-9A-F]{4}", receipt)
    screenshot(phone, "survey-phone-thanks.png")

    with app.app_context():
        [response] = [r for r in db.session.scalars(select(Response)) if r.receipt == receipt]
        assert response.answers == ANSWERS
        assert response.attribution == Attribution.ROSTER
        assert response.employee.name == serving
        assert response.counter.name == "Loket UGD 24 Jam"


def test_the_survey_works_with_javascript_switched_off(live_portal, browser):
    app, _ = live_portal
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(printed_survey_url(app, "Loket 1 — KTP-el"))
    assert page.locator("[data-progress]").is_hidden()
    for code in ANSWERS:
        page.locator(f"label:has(input[name='{code}'][value='2'])").tap()
    page.locator("button.submit").tap()
    page.wait_for_url(re.compile(r"/terima-kasih\?kode="))
    assert page.locator(".complaint").is_visible()  # all "2": a dissatisfied citizen
    context.close()
